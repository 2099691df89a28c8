// Command lifecycle runs one step of a GalleryLookup's lifecycle from Go, on the generated SDK (sdk/go):
// an inline Automation API program (no Go language host is needed), the Pulumi CLI on PATH running the
// engine and the azure-gallery-lookup plugin. Run by test/languages/go-sdk.test.ts as `lifecycle ACTION`,
// with the stack's backend and the lookup's arguments in the environment; prints one JSON line.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/gallery-lookup/pulumi-azure-gallery-lookup/sdk/go/azuregallerylookup"
)

const project = "lookup-go"

type result struct {
	Action  string                 `json:"action"`
	Changes map[string]int         `json:"changes,omitempty"`
	Outputs map[string]interface{} `json:"outputs,omitempty"`
	Seen    map[string]interface{} `json:"seen"`
	Failed  string                 `json:"failed,omitempty"`
}

func main() {
	action := os.Args[1]
	resourceGroupName := os.Getenv("LOOKUP_RESOURCE_GROUP")
	galleryName := os.Getenv("LOOKUP_GALLERY")

	// What the program's own applies saw: an apply runs only on a known value.
	var mu sync.Mutex
	seen := map[string]interface{}{}
	record := func(key string) func(*string) string {
		return func(value *string) string {
			if value == nil {
				return ""
			}
			mu.Lock()
			defer mu.Unlock()
			seen[key] = *value
			return *value
		}
	}

	program := func(ctx *pulumi.Context) error {
		lookup, err := azuregallerylookup.NewGalleryLookup(ctx, "gallery", &azuregallerylookup.GalleryLookupArgs{
			ResourceGroupName: pulumi.String(resourceGroupName),
			GalleryName:       pulumi.String(galleryName),
		})
		if err != nil {
			return err
		}
		found := azuregallerylookup.GetGalleryOutput(ctx, azuregallerylookup.GetGalleryOutputArgs{
			ResourceGroupName: pulumi.String(resourceGroupName),
			GalleryName:       pulumi.String(galleryName),
		})
		ctx.Export("uniqueName", lookup.UniqueName.ApplyT(record("uniqueName")))
		ctx.Export("principalId", lookup.PrincipalId.ApplyT(record("principalId")))
		ctx.Export("invokedUniqueName", found.UniqueName().ApplyT(record("invokedUniqueName")))
		return nil
	}

	ctx := context.Background()
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", project, program,
		auto.Project(workspace.Project{
			Name:    project,
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: os.Getenv("PULUMI_BACKEND_URL")},
		}),
		auto.SecretsProvider("passphrase"),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	out := result{Action: action}
	changes := func(summary map[string]int) map[string]int { return summary }
	switch action {
	case "preview", "preview-expect-no-changes":
		var options []optpreview.Option
		if action == "preview-expect-no-changes" {
			options = append(options, optpreview.ExpectNoChanges())
		}
		preview, err := stack.Preview(ctx, options...)
		if err != nil {
			out.Failed = err.Error()
		} else {
			out.Changes = map[string]int{}
			for op, count := range preview.ChangeSummary {
				out.Changes[string(op)] = count
			}
		}
	case "up":
		up, err := stack.Up(ctx)
		if err != nil {
			out.Failed = err.Error()
		} else {
			out.Changes = changes(*up.Summary.ResourceChanges)
			out.Outputs = map[string]interface{}{}
			for key, output := range up.Outputs {
				out.Outputs[key] = output.Value
			}
		}
	case "refresh":
		refresh, err := stack.Refresh(ctx)
		if err != nil {
			out.Failed = err.Error()
		} else {
			out.Changes = changes(*refresh.Summary.ResourceChanges)
		}
	case "destroy":
		destroy, err := stack.Destroy(ctx)
		if err != nil {
			out.Failed = err.Error()
		} else {
			out.Changes = changes(*destroy.Summary.ResourceChanges)
		}
	default:
		fmt.Fprintf(os.Stderr, "unknown action %q\n", action)
		os.Exit(2)
	}
	// The Automation API made a work folder for this one step (its Pulumi.yaml): nothing may outlive it.
	os.RemoveAll(stack.Workspace().WorkDir())
	mu.Lock()
	out.Seen = seen
	mu.Unlock()
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
}
