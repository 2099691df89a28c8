// A read-only lookup of an existing Azure Compute Gallery (ARM Galleries - Get, api-version 2025-03-03): uniqueName, managed identity and sharing groups, known at preview, kept in state, drift-checked. It sends GET and nothing else.
package azuregallerylookup
