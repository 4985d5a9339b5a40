// Package report writes findings for people (text, table) and for machines
// (json, GitHub workflow commands). Writers never print anywhere but the
// writer they are given.
package report
