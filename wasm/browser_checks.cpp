// The table of checks for the browser's module (core/src/check/table.cpp says
// why): the same table without the STARTTLS row, which only a native host
// runs. Defining the table here keeps the library's own copy out of the link.
#define MTASTS_NO_STARTTLS_CHECK
#include "../core/src/check/table.cpp"
