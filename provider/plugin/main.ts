#!/usr/bin/env node
// The entry point of `pulumi-resource-azure-gallery-lookup`: the engine starts it and talks gRPC to it.
import "./engineAddress";
import { main } from "@pulumi/pulumi/provider";
import * as operations from "../lookup/operations";
import { galleryLookupPlugin } from "./galleryLookupPlugin";
import { advertisePreview, asAzureNativeConfig, watchConfigure, type PluginConfig } from "./providerConfig";
import schema from "./schema.json";

let config: PluginConfig = {};
// The sign-in code is the dynamic face's, which reads azure-native's key names: the plugin's own
// namespace is handed to it under those names, in this process's memory only.
watchConfigure((received) => {
  config = received;
  operations.configure(asAzureNativeConfig(received));
});

advertisePreview();

void main(
  galleryLookupPlugin(schema.version, JSON.stringify(schema), { config: () => config, env: process.env }),
  process.argv.slice(2),
);
