package dev.conveyor.providers.codebuild;

import dev.conveyor.providers.commands.ShellProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bash script that runs a list of commands (from a given index) in one shell session, as CodeBuild runs a
 * phase's commands in one shell. Sessions follow each other through the phases, so the shell's state is carried
 * over in a snapshot file that each session sources first and rewrites on exit: variables, functions, options and
 * the working directory, as if one shell ran the whole build. A state file says how far the session got, so a
 * command that calls {@code exit} is told apart from one that fails.
 *
 * <p>Files in the control directory: {@code env} (the snapshot), {@code state} ({@code run N}, {@code fail N CODE}
 * or {@code done}), {@code exported} (NUL-separated {@code NAME=value} of the exported variables).
 */
final class CommandScript {
    private CommandScript() {
    }

    /** What one session got to: all done, command {@code index} failed with {@code exitCode}, or it exited the shell. */
    record Progress(String state, int index, int exitCode) {
        static final Progress NONE = new Progress("none", -1, 0);
    }

    static String of(List<String> commands, int from, Path control, List<String> exportedVariables, boolean succeeding,
                     boolean watchdog) {
        String dir = quote(control.toString());
        StringBuilder s = new StringBuilder();
        s.append("__cv_dir=").append(dir).append('\n');
        s.append("if [ -f \"$__cv_dir/env\" ]; then . \"$__cv_dir/env\" >/dev/null 2>&1; fi\n");
        if (watchdog) {
            s.append(ShellProcess.watchdogPrelude());
        } else {
            s.append("unset CONVEYOR_WATCHDOG\n");
        }
        s.append("export CODEBUILD_BUILD_SUCCEEDING=").append(succeeding ? 1 : 0).append('\n');
        s.append("__cv_save() {\n");
        s.append("  { declare -p; declare -f; set +o; shopt -p; printf 'cd %q\\n' \"$PWD\"; } > \"$__cv_dir/env.tmp\" 2>/dev/null"
                + " && mv -f \"$__cv_dir/env.tmp\" \"$__cv_dir/env\"\n");
        s.append("  : > \"$__cv_dir/exported\"\n");
        for (String name : exportedVariables) {
            if (name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                s.append("  printf '%s=%s\\0' ").append(name).append(" \"${").append(name).append("-}\" >> \"$__cv_dir/exported\"\n");
            }
        }
        s.append("}\n");
        s.append("trap '__cv_save; [ -n \"${CONVEYOR_WATCHDOG-}\" ] && kill \"$CONVEYOR_WATCHDOG\" 2>/dev/null' EXIT\n");
        for (int i = from; i < commands.size(); i++) {
            String command = quote(commands.get(i));
            s.append("printf 'run %s\\n' ").append(i).append(" > \"$__cv_dir/state\"\n");
            s.append("TZ=UTC0 printf '[Container] %(%Y/%m/%d %H:%M:%S)T Running command %s\\n' -1 ").append(command).append('\n');
            s.append("eval ").append(command).append('\n');
            s.append("__cv_rc=$?\n");
            s.append("if [ \"$__cv_rc\" -ne 0 ]; then printf 'fail %s %s\\n' ").append(i)
                    .append(" \"$__cv_rc\" > \"$__cv_dir/state\"; exit \"$__cv_rc\"; fi\n");
        }
        s.append("printf 'done\\n' > \"$__cv_dir/state\"\n");
        return s.toString();
    }

    /** How far the last session got, from its state file. */
    static Progress progress(Path control) throws IOException {
        Path state = control.resolve("state");
        if (!Files.exists(state)) {
            return Progress.NONE;
        }
        String[] parts = Files.readString(state, StandardCharsets.UTF_8).strip().split(" ");
        return switch (parts[0]) {
            case "done" -> new Progress("done", -1, 0);
            case "run" -> new Progress("run", Integer.parseInt(parts[1]), 0);
            case "fail" -> new Progress("fail", Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
            default -> Progress.NONE;
        };
    }

    /** The exported variables' values as the last session left them. */
    static Map<String, String> exported(Path control, List<String> names) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        Path file = control.resolve("exported");
        if (!Files.exists(file)) {
            return values;
        }
        for (String entry : Files.readString(file, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0 && names.contains(entry.substring(0, eq))) {
                values.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return values;
    }

    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
