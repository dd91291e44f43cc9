// The `ctp` command: parse arguments, call the library, print, exit.
#include "cli.h"

int main(int argc, char** argv) { return ctp::cli::Main(argc, argv); }
