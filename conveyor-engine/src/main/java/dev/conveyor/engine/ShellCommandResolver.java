package dev.conveyor.engine;

import dev.conveyor.model.validation.VariableReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code #{namespace.key}} references in bash commands without ever pasting a value into the command's
 * text: each reference is replaced by an expansion of an environment variable ({@code CONVEYOR_VAR_n}) that carries
 * the value, quoted for the place it stands in, so whatever the value holds (quotes, {@code $(…)}, backticks,
 * newlines) it reaches the command as data, exactly its characters, and is never parsed as shell syntax.
 *
 * <p>A small scanner follows bash's quoting through each command to know where a reference stands:
 * <ul>
 *   <li>a bare word, or inside {@code $(…)}, backticks or {@code ${…}}: {@code "${CONVEYOR_VAR_n}"} (one word,
 *       no splitting or globbing);</li>
 *   <li>inside {@code "…"} or an unquoted here-document's body: {@code ${CONVEYOR_VAR_n}};</li>
 *   <li>inside {@code '…'}: {@code '"${CONVEYOR_VAR_n}"'} (the quote is closed around the expansion), inside
 *       {@code $'…'}: {@code '"${CONVEYOR_VAR_n}"$'};</li>
 *   <li>inside arithmetic ({@code $((…))}, {@code ((…))}): {@code ${CONVEYOR_VAR_n}}, and the value must be an
 *       integer, since bash evaluates array subscripts in arithmetic (which can run commands);</li>
 *   <li>in a comment: left as written (nothing there runs).</li>
 * </ul>
 * Not supported, and refused with a problem naming the reference: a reference in the body of a quoted
 * here-document ({@code <<'EOF'}), where bash expands nothing, so no expansion could carry the value. Not modelled:
 * {@code case} patterns' unbalanced {@code )} inside {@code $(…)}, and quotes inside {@code "${…}"} (bash reads them
 * as literal there); a misread context can only make a value appear differently, never run, because the value
 * itself is never part of the command text. What a command does with the data it is given ({@code eval},
 * {@code bash -c}, {@code [[ $x -eq 1 ]]}) is up to the command, as with any shell variable.
 *
 * <p>NUL cannot be passed in an environment variable (nor in argv), so a value containing one is a problem, not
 * silently shortened.
 */
public final class ShellCommandResolver {
    /** The prefix of the environment variables that carry resolved values to the commands. */
    public static final String VARIABLE_PREFIX = "CONVEYOR_VAR_";

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    /** Characters that end a word (and so start a new one after them). */
    private static final String WORD_BREAKS = " \t\n;&|()<>";

    private final VariableResolver resolver;

    public ShellCommandResolver(VariableResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * The rewritten commands, the environment that carries the referenced values, the references that could not
     * be resolved, and the problems that stop the action (each naming its reference).
     */
    public record Resolution(List<String> commands, Map<String, String> environment, List<String> unresolved,
                             List<String> problems) {
        public boolean ok() {
            return unresolved.isEmpty() && problems.isEmpty();
        }
    }

    /** Resolves the references of every command; one variable per distinct reference across all of them. */
    public Resolution resolve(List<String> commands) {
        Session session = new Session();
        List<String> rewritten = new ArrayList<>();
        for (String command : commands) {
            rewritten.add(command == null || !command.contains("#{") ? command : new Scanner(command, session).scan());
        }
        return new Resolution(rewritten, session.environment, List.copyOf(session.unresolved), List.copyOf(session.problems));
    }

    /** Where the scanner stands: the innermost quoting or nesting construct. */
    private enum Context { BARE, SINGLE, DOUBLE, ANSI_C, COMMAND_SUBSTITUTION, BACKTICK, PARAMETER, ARITHMETIC }

    /** State shared by the commands of one action: the variables allocated so far and what went wrong. */
    private final class Session {
        final Map<String, String> environment = new LinkedHashMap<>();
        final Map<String, String> variableOfReference = new LinkedHashMap<>();
        final Set<String> unresolved = new LinkedHashSet<>();
        final Set<String> problems = new LinkedHashSet<>();

        /** The variable that carries the reference's value, or null when it cannot be resolved or passed. */
        String variableFor(String reference, String namespace, String key) {
            String existing = variableOfReference.get(reference);
            if (existing != null) {
                return existing;
            }
            String value = resolver.value(namespace, key);
            if (value == null) {
                unresolved.add(reference);
                return null;
            }
            if (value.indexOf('\0') >= 0) {
                problems.add("Variable " + reference + " contains a NUL character, which cannot be passed to a command");
                return null;
            }
            String name = VARIABLE_PREFIX + (environment.size() + 1);
            environment.put(name, value);
            variableOfReference.put(reference, name);
            return name;
        }
    }

    /** A here-document announced on the current line, whose body starts after the next newline. */
    private record HereDocument(String delimiter, boolean stripTabs, boolean quoted) {
    }

    /** One pass over one command. */
    private static final class Scanner {
        private final String text;
        private final Session session;
        private final StringBuilder out = new StringBuilder();
        private final Deque<Context> contexts = new ArrayDeque<>();
        /** Open parentheses inside the innermost $(…) or arithmetic, to find its closing one. */
        private final Deque<int[]> depths = new ArrayDeque<>();
        private final List<HereDocument> pending = new ArrayList<>();
        private int i;

        Scanner(String text, Session session) {
            this.text = text;
            this.session = session;
            contexts.push(Context.BARE);
        }

        String scan() {
            while (i < text.length()) {
                if (reference()) {
                    continue;
                }
                switch (contexts.peek()) {
                    case SINGLE -> single();
                    case DOUBLE -> dubble();
                    case ANSI_C -> ansiC();
                    case ARITHMETIC -> arithmetic();
                    default -> code();
                }
            }
            return out.toString();
        }

        /** Replaces a reference at the current position, if there is one; the expansion depends on the context. */
        private boolean reference() {
            Matcher m = VariableReference.REFERENCE.matcher(text).region(i, text.length());
            if (!m.lookingAt()) {
                return false;
            }
            i = m.end();
            String variable = session.variableFor(m.group(), m.group(1), m.group(2));
            if (variable == null) {
                out.append(m.group()); // the action fails; the text is never run
                return true;
            }
            Context context = contexts.peek();
            if (context == Context.ARITHMETIC && !INTEGER.matcher(session.environment.get(variable)).matches()) {
                session.problems.add("Variable " + m.group() + " is used in shell arithmetic, so its value must be an integer");
            }
            out.append(switch (context) {
                case SINGLE -> "'\"${" + variable + "}\"'";
                case ANSI_C -> "'\"${" + variable + "}\"$'";
                case DOUBLE, ARITHMETIC -> "${" + variable + "}";
                default -> "\"${" + variable + "}\"";
            });
            return true;
        }

        private boolean startsReference(int at) {
            return VariableReference.REFERENCE.matcher(text).region(at, text.length()).lookingAt();
        }

        private void single() {
            char c = text.charAt(i++);
            out.append(c);
            if (c == '\'') {
                contexts.pop();
            }
        }

        private void dubble() {
            char c = text.charAt(i);
            if (c == '\\') {
                escaped(true);
            } else if (c == '"') {
                out.append(c);
                i++;
                contexts.pop();
            } else if (!expansion()) {
                out.append(c);
                i++;
            }
        }

        private void ansiC() {
            char c = text.charAt(i);
            if (c == '\\') {
                escaped(true);
                return;
            }
            out.append(c);
            i++;
            if (c == '\'') {
                contexts.pop();
            }
        }

        private void arithmetic() {
            char c = text.charAt(i);
            int[] depth = depths.peek();
            if (c == '(') {
                depth[0]++;
            } else if (c == ')' && depth[0] == 0 && text.startsWith("))", i)) {
                out.append("))");
                i += 2;
                contexts.pop();
                depths.pop();
                return;
            } else if (c == ')') {
                depth[0]--;
            } else if (c == '\\') {
                escaped(false);
                return;
            } else if (expansion()) {
                return;
            }
            out.append(c);
            i++;
        }

        /** Bare words, and the commands inside $(…), backticks and ${…}. */
        private void code() {
            Context context = contexts.peek();
            char c = text.charAt(i);
            boolean wordStart = i == 0 || WORD_BREAKS.indexOf(text.charAt(i - 1)) >= 0;
            if (c == '\\') {
                escaped(false);
            } else if (c == '\'') {
                push(Context.SINGLE, "'");
            } else if (c == '"') {
                push(Context.DOUBLE, "\"");
            } else if (c == '#' && wordStart && context != Context.PARAMETER) {
                comment();
            } else if (c == '\n' && !pending.isEmpty() && context != Context.BACKTICK) {
                out.append(c);
                i++;
                hereDocumentBodies();
            } else if (text.startsWith("<<", i) && !text.startsWith("<<<", i)) {
                hereDocumentOperator();
            } else if (c == '(' && wordStart && text.startsWith("((", i) && context != Context.PARAMETER) {
                push(Context.ARITHMETIC, "((");
                depths.push(new int[] {0});
            } else if (context == Context.COMMAND_SUBSTITUTION && (c == '(' || c == ')')) {
                int[] depth = depths.peek();
                out.append(c);
                i++;
                if (c == '(') {
                    depth[0]++;
                } else if (depth[0]-- == 0) {
                    contexts.pop();
                    depths.pop();
                }
            } else if (context == Context.BACKTICK && c == '`') {
                out.append(c);
                i++;
                contexts.pop();
            } else if (context == Context.PARAMETER && c == '}') {
                out.append(c);
                i++;
                contexts.pop();
            } else if (c == '$' && text.startsWith("$'", i)) {
                push(Context.ANSI_C, "$'");
            } else if (c == '$' && text.startsWith("$\"", i)) {
                push(Context.DOUBLE, "$\"");
            } else if (!expansion()) {
                out.append(c);
                i++;
            }
        }

        /** $(…), $((…)), ${…} and backticks, which open in code and in double quotes alike. */
        private boolean expansion() {
            if (text.startsWith("$((", i)) {
                push(Context.ARITHMETIC, "$((");
                depths.push(new int[] {0});
            } else if (text.startsWith("$(", i)) {
                push(Context.COMMAND_SUBSTITUTION, "$(");
                depths.push(new int[] {0});
            } else if (text.startsWith("${", i)) {
                push(Context.PARAMETER, "${");
            } else if (text.charAt(i) == '`') {
                push(Context.BACKTICK, "`");
            } else {
                return false;
            }
            return true;
        }

        private void push(Context context, String opening) {
            out.append(opening);
            i += opening.length();
            contexts.push(context);
        }

        /**
         * A backslash and the character it escapes. Before a reference there is nothing to escape: in code bash
         * would drop the backslash, so it is dropped; in double quotes and $'…' it is a literal backslash, so it is
         * kept as an escaped one (it must not escape the expansion's {@code $} or quote).
         */
        private void escaped(boolean literalBeforeReference) {
            if (startsReference(i + 1)) {
                if (literalBeforeReference) {
                    out.append("\\\\");
                }
                i++;
                return;
            }
            out.append(text, i, Math.min(i + 2, text.length()));
            i += 2;
        }

        /** A comment runs to the end of the line; references in it are left as written. */
        private void comment() {
            int end = text.indexOf('\n', i);
            end = end < 0 ? text.length() : end;
            out.append(text, i, end);
            i = end;
        }

        /** {@code <<} or {@code <<-} and its delimiter word, whose body follows the next newline. */
        private void hereDocumentOperator() {
            int start = i;
            i += 2;
            boolean stripTabs = i < text.length() && text.charAt(i) == '-';
            if (stripTabs) {
                i++;
            }
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            StringBuilder delimiter = new StringBuilder();
            boolean quoted = false;
            char quote = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        delimiter.append(c);
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                    quoted = true;
                } else if (c == '\\' && i + 1 < text.length()) {
                    quoted = true;
                    delimiter.append(text.charAt(++i));
                } else if (WORD_BREAKS.indexOf(c) >= 0) {
                    break;
                } else {
                    delimiter.append(c);
                }
                i++;
            }
            out.append(text, start, i);
            pending.add(new HereDocument(delimiter.toString(), stripTabs, quoted));
        }

        /** The bodies of the pending here-documents, line by line up to each one's delimiter line. */
        private void hereDocumentBodies() {
            for (HereDocument document : pending) {
                while (i < text.length()) {
                    int end = text.indexOf('\n', i);
                    end = end < 0 ? text.length() : end;
                    String line = text.substring(i, end);
                    String compared = document.stripTabs() ? line.replaceFirst("^\t+", "") : line;
                    if (compared.equals(document.delimiter())) {
                        out.append(line);
                        i = end;
                        if (i < text.length()) {
                            out.append('\n');
                            i++;
                        }
                        break;
                    }
                    if (document.quoted()) {
                        for (VariableReference reference : VariableReference.findIn(line)) {
                            session.problems.add("Variable " + reference + " is in a quoted here-document (<<'"
                                    + document.delimiter() + "'), where the shell expands nothing; use an unquoted one");
                        }
                        out.append(line);
                    } else {
                        out.append(bodyLine(line));
                    }
                    i = end;
                    if (i < text.length()) {
                        out.append('\n');
                        i++;
                    }
                }
            }
            pending.clear();
        }

        /** An unquoted here-document's line: references become ${…} as in double quotes; backslashes kept. */
        private String bodyLine(String line) {
            StringBuilder body = new StringBuilder();
            Matcher m = VariableReference.REFERENCE.matcher(line);
            int at = 0;
            while (m.find()) {
                String before = line.substring(at, m.start());
                body.append(before);
                int backslashes = before.length() - before.replaceFirst("\\\\+$", "").length();
                if (backslashes % 2 == 1) {
                    body.append('\\'); // a literal backslash, which must not escape the expansion's $
                }
                String variable = session.variableFor(m.group(), m.group(1), m.group(2));
                body.append(variable == null ? m.group() : "${" + variable + "}");
                at = m.end();
            }
            return body.append(line.substring(at)).toString();
        }
    }
}
