// Package rpm describes the packages of an rpm database and where rpm keeps
// its database. Reading a database is package rpmdb's work; these types are
// what the facts of an image carry, so they stay free of any reader.
package rpm
