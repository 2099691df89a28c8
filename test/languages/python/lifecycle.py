"""One step of a GalleryLookup's lifecycle, from Python, on the generated SDK (sdk/python).

An inline Automation API program (no Python language host can be built here): the program runs in this
process, and the Pulumi CLI on PATH runs the engine and the azure-gallery-lookup plugin. Run by
test/languages/python-sdk.test.ts as `python lifecycle.py ACTION`, with the stack's backend, home and
the lookup's arguments in the environment; prints one JSON line of what it saw.

With LOOKUP_PROGRAM_FILE set, that file is the program instead (test/languages/readme-snippets.test.ts).
"""

import json
import os
import shutil
import sys

import pulumi
from pulumi import automation as auto

import pulumi_azure_gallery_lookup as gallery_lookup

PROJECT = "lookup-python"


def main() -> None:
    action = sys.argv[1]
    resource_group_name = os.environ["LOOKUP_RESOURCE_GROUP"]
    gallery_name = os.environ["LOOKUP_GALLERY"]
    # What the program itself saw: an apply runs only on a known value, so a preview that fills this
    # in is a preview whose values are known.
    seen = {}

    def record(key):
        def keep(value):
            seen[key] = value
            return value

        return keep

    def lookups() -> None:
        lookup = gallery_lookup.GalleryLookup(
            "gallery",
            resource_group_name=resource_group_name,
            gallery_name=gallery_name,
        )
        found = gallery_lookup.get_gallery_output(
            resource_group_name=resource_group_name,
            gallery_name=gallery_name,
        )
        pulumi.export("uniqueName", lookup.unique_name.apply(record("uniqueName")))
        pulumi.export("principalId", lookup.principal_id.apply(record("principalId")))
        pulumi.export("invokedUniqueName", found.unique_name.apply(record("invokedUniqueName")))

    # A program file of its own (a README block) runs as `python __main__.py` would run it.
    program_file = os.environ.get("LOOKUP_PROGRAM_FILE")

    def from_file() -> None:
        with open(program_file, encoding="utf-8") as source:
            exec(compile(source.read(), program_file, "exec"), {"__name__": "__main__"})

    program = from_file if program_file else lookups

    stack = auto.create_or_select_stack(
        stack_name="dev",
        project_name=PROJECT,
        program=program,
        opts=auto.LocalWorkspaceOptions(
            project_settings=auto.ProjectSettings(
                name=PROJECT,
                runtime="python",
                backend=auto.ProjectBackend(url=os.environ["PULUMI_BACKEND_URL"]),
            ),
        ),
    )

    result = {"action": action}
    try:
        if action == "preview":
            result["changes"] = stack.preview().change_summary
        elif action == "preview-expect-no-changes":
            result["changes"] = stack.preview(expect_no_changes=True).change_summary
        elif action == "up":
            up = stack.up()
            result["changes"] = up.summary.resource_changes
            result["outputs"] = {key: output.value for key, output in up.outputs.items()}
        elif action == "refresh":
            result["changes"] = stack.refresh().summary.resource_changes
        elif action == "destroy":
            result["changes"] = stack.destroy().summary.resource_changes
        else:
            raise SystemExit(f"unknown action {action}")
    except auto.CommandError as error:
        result["failed"] = str(error)
    finally:
        # The Automation API made a work folder for this one step (its Pulumi.yaml): nothing may outlive it.
        shutil.rmtree(stack.workspace.work_dir, ignore_errors=True)
    result["seen"] = seen
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
