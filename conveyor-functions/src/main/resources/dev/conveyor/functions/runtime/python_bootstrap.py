"""Conveyor's bootstrap for python3.x functions: loads _HANDLER ("module.function", module relative to
LAMBDA_TASK_ROOT) and loops on the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API, as the managed runtime does.
Standard library only."""
import importlib
import json
import os
import sys
import time
import traceback
import urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"


def post(path, body, headers=None):
    request = urllib.request.Request(API + path, data=body, method="POST", headers=headers or {})
    with urllib.request.urlopen(request) as response:
        response.read()


def error_document(exc):
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": "",
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


class Context:
    def __init__(self, request_id, deadline_ms, arn):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = ""
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def load_handler():
    spec = os.environ.get("_HANDLER", "")
    module_name, _, function_name = spec.rpartition(".")
    if not module_name or not function_name:
        raise ValueError("Bad handler '%s': not enough values to unpack (expected 2, got 1)" % spec)
    sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
    module = importlib.import_module(module_name.replace("/", "."))
    return getattr(module, function_name)


def main():
    try:
        handler = load_handler()
    except Exception as exc:  # the runtime reports any initialisation failure, then exits
        document = error_document(exc)
        document["errorType"] = "Runtime.ImportModuleError" if isinstance(exc, ImportError) else document["errorType"]
        print("[ERROR] %s: %s" % (document["errorType"], document["errorMessage"]), flush=True)
        post("/init/error", json.dumps(document).encode(), {"Lambda-Runtime-Function-Error-Type": document["errorType"]})
        sys.exit(1)
    while True:
        with urllib.request.urlopen(API + "/invocation/next") as response:
            request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
            deadline = int(response.headers.get("Lambda-Runtime-Deadline-Ms", "0"))
            arn = response.headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
            body = response.read()
        try:
            event = json.loads(body) if body else None
            result = handler(event, Context(request_id, deadline, arn))
            post("/invocation/" + request_id + "/response", json.dumps(result).encode())
        except Exception as exc:
            document = error_document(exc)
            document["requestId"] = request_id
            print("[ERROR] %s: %s" % (document["errorType"], document["errorMessage"]), flush=True)
            traceback.print_exc()
            post("/invocation/" + request_id + "/error", json.dumps(document).encode(),
                 {"Lambda-Runtime-Function-Error-Type": document["errorType"]})


if __name__ == "__main__":
    main()
