// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/result.hpp"
#include "core/common/utf8.hpp"  // isValidUtf8, used with the records read here

namespace notify::core {

// Where a record starts: a byte offset to seek to and the line it is on (1-based).
struct CsvPosition {
  int64_t offset = 0;
  int64_t line = 1;
};

// One data row, with the line it starts on.
struct CsvRecord {
  int64_t line = 0;
  std::vector<std::string> fields;
};

// Reads a UTF-8 CSV file (RFC 4180: comma-separated, fields in double quotes may hold commas,
// newlines and "" for a quote; CRLF or LF line ends) one record at a time, so a file of any
// size is read in constant memory. The first row is the header. A bad row (wrong number of
// fields, unterminated or stray quote, invalid UTF-8) is an error naming its line; reading goes
// on with the next row. Empty lines are skipped.
class CsvReader {
 public:
  // Opens the file and reads the header; the error names the file and the problem.
  static Result<std::unique_ptr<CsvReader>> open(const std::filesystem::path& path);

  const std::vector<std::string>& header() const { return header_; }

  // The next record (or the error of a bad one), or nullopt at the end of the file.
  std::optional<Result<CsvRecord>> next();

  // Where the next record starts; seek() resumes there (a position from the same file).
  CsvPosition position() const { return position_; }
  void seek(const CsvPosition& position);

 private:
  explicit CsvReader(std::filesystem::path path);

  // Reads one raw record (which may span lines); false at the end of the file.
  bool readRecord(std::vector<std::string>& fields, std::string& error);

  std::filesystem::path path_;
  std::ifstream in_;
  std::vector<std::string> header_;
  CsvPosition position_;
  int64_t recordLine_ = 0;  // the line the record just read starts on
};

}  // namespace notify::core
