// Package report writes findings and verdicts for people (text, table,
// Markdown) and for machines (JSON, GitHub workflow commands, JUnit XML,
// SARIF 2.1.0). Each kind of output (lint's findings, validate's report,
// inspect's facts) has one table of formats: LintWriter, ValidateWriter and
// InspectWriter look a format up there, LintFormats, ValidateFormats and
// InspectFormats list them. Writers build their output in memory and write
// it to the writer they are given in one call, and nowhere else: a writer
// that fails writes nothing.
package report
