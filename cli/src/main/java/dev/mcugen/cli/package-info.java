/** The {@code mcugen} command line: parses options, calls the compiler, maps failures to exit codes. */
package dev.mcugen.cli;
