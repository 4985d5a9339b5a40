package harness

// SchemaChecker builds the Harness schema checker for the package's
// external tests.
var SchemaChecker = schemaChecker
