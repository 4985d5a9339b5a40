// Package report writes findings and verdicts for people (text, table,
// Markdown) and for machines (JSON, GitHub workflow commands, JUnit XML,
// SARIF 2.1.0). Writers build their output in memory and write it to the
// writer they are given, and nowhere else.
package report
