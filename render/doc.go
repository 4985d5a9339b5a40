// Package render holds everything sammatrix writes for people and machines.
// Its sub-packages are sinks: report formats findings and verdicts.
package render
