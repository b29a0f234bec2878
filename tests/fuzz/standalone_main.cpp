// A main() for the fuzz harnesses where libFuzzer is not linked (g++, the
// sanitizer build, CI's smoke of the saved inputs): runs each file given, or
// each file in each directory given, through LLVMFuzzerTestOneInput once.
// Exit status 0 when all ran; a broken invariant aborts (fuzz_support.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<fs::path> files;
    std::error_code ec;
    const bool listed = fs::is_directory(argv[i], ec);
    if (listed) {
      for (const auto& e : fs::recursive_directory_iterator(argv[i]))
        if (e.is_regular_file()) files.push_back(e.path());
    } else {
      files.emplace_back(argv[i]);
    }
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      if (!in) {
        // A file named on the command line must exist; one listed from a directory may have
        // been removed since (a running fuzzer replaces corpus entries with smaller ones).
        std::fprintf(stderr, "cannot read %s\n", f.string().c_str());
        if (listed) continue;
        return 2;
      }
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::fprintf(stderr, "running %s (%zu bytes)\n", f.string().c_str(), bytes.size());
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++runs;
    }
  }
  std::fprintf(stderr, "%zu inputs ran\n", runs);
  return runs > 0 ? 0 : 3;
}
