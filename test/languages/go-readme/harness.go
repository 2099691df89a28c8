// The harness that runs the README's Go block (copied beside it as readme.go by
// test/languages/readme-snippets.test.ts, with `pulumi.Run(` turned into `runInline(`): its program,
// unchanged, as an inline Automation API program, since no Go language host can be built here. `up`,
// then one JSON line of the stack outputs; `destroy` with any argument.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func runInline(program pulumi.RunFunc) {
	ctx := context.Background()
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", "readme-go", program,
		auto.Project(workspace.Project{
			Name:    "readme-go",
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: os.Getenv("PULUMI_BACKEND_URL")},
		}),
		auto.SecretsProvider("passphrase"),
	)
	if err == nil {
		if len(os.Args) > 1 && os.Args[1] == "destroy" {
			_, err = stack.Destroy(ctx)
			fmt.Println("{}")
		} else {
			var up auto.UpResult
			if up, err = stack.Up(ctx); err == nil {
				outputs := map[string]interface{}{}
				for key, output := range up.Outputs {
					outputs[key] = output.Value
				}
				line, _ := json.Marshal(map[string]interface{}{"outputs": outputs})
				fmt.Println(string(line))
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
