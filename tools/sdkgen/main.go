// Command sdkgen serves `GeneratePackage` to `pulumi package gen-sdk` for Python, Go and Node.js.
//
// Why it exists: since 3.276 the CLI's gen-sdk does not generate code itself; it starts the language
// plugin (`pulumi-language-<language>`) and calls its GeneratePackage. Pulumi's own Python, Go and
// Node.js language hosts are Go modules the module proxy reachable here refuses, but the generators
// they call live in github.com/pulumi/pulumi/pkg/v3/codegen, which it serves. scripts/sdk-gen.js links
// this one binary as pulumi-language-python, -go and -nodejs in a folder put first on PATH only while
// gen-sdk runs; the name it is started under picks the generator. It answers nothing else: it never
// runs a program (the tests' Node.js host in tools/pulumi-cli does that, and is never on PATH with it).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	nodejsgen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	pythongen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const prefix = "pulumi-language-"

type generator struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	language string
}

func main() {
	for _, arg := range os.Args[1:] {
		if arg == "-version" || arg == "--version" {
			fmt.Println(version.Version)
			return
		}
	}
	language := strings.TrimPrefix(filepath.Base(os.Args[0]), prefix)
	switch language {
	case "python", "go", "nodejs":
	default:
		fmt.Fprintf(os.Stderr, "sdkgen must be started as %spython, %sgo or %snodejs, not %q\n",
			prefix, prefix, prefix, filepath.Base(os.Args[0]))
		os.Exit(2)
	}

	server := &generator{language: language}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, server)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not start the SDK generator: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of standard output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "the SDK generator stopped: %v\n", err)
		os.Exit(1)
	}
}

func (g *generator) Handshake(context.Context, *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (g *generator) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// Run says plainly what this is if a program is ever started with it by mistake.
func (g *generator) Run(context.Context, *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	return nil, status.Error(codes.Unimplemented, "sdkgen only generates SDKs; it runs no programs")
}

// GeneratePackage binds the schema the CLI sends, with the CLI's own schema loader for any package it
// references, and writes what the language's generator returns under the requested directory.
func (g *generator) GeneratePackage(
	ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	if g.language == "go" && len(req.ExtraFiles) > 0 {
		return nil, errors.New("the Go generator takes no overlay files")
	}
	loaderClient, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer loaderClient.Close()
	loader := schema.NewCachedLoader(loaderClient)

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, fmt.Errorf("the schema gen-sdk sent is not JSON: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	response := &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}
	if diags.HasErrors() {
		return response, nil
	}

	tool := prefix + g.language
	var files map[string][]byte
	switch g.language {
	case "python":
		files, err = pythongen.GeneratePackage(tool, pkg, req.ExtraFiles, loader)
	case "go":
		files, err = gogen.GeneratePackage(tool, pkg, req.LocalDependencies)
	case "nodejs":
		files, err = nodejsgen.GeneratePackage(tool, pkg, req.ExtraFiles, req.LocalDependencies, req.Local, loader)
	}
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		target := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, fmt.Errorf("could not create the folder of %s: %w", name, err)
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return nil, fmt.Errorf("could not write %s: %w", name, err)
		}
	}
	return response, nil
}
