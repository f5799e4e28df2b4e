#include <iostream>

#include "service/cli.h"

int main(int argc, char** argv) { return backflow::cli::main(argc, argv, std::cout, std::cerr); }
