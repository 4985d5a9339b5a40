// Package matrix is the model of matrix.yaml: the pairs of SAM build images
// (a runtime image and a Node.js image whose /var/lang and /opt are copied
// into it), the plugin and Serverless versions, the policy and the settings
// for the generated pipeline. It loads the file with the position of every
// value, reports every problem in one pass as positioned findings, and holds
// the rules that judge a pair.
//
// The package never prints and never exits.
package matrix
