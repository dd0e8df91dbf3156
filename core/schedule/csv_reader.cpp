// SPDX-License-Identifier: Apache-2.0
#include "core/schedule/csv_reader.hpp"

namespace notify::core {

CsvReader::CsvReader(std::filesystem::path path)
    : path_(std::move(path)), in_(path_, std::ios::binary) {}

Result<std::unique_ptr<CsvReader>> CsvReader::open(const std::filesystem::path& path) {
  std::unique_ptr<CsvReader> reader(new CsvReader(path));
  if (!reader->in_) {
    return makeError("audience", "cannot read " + path.string());
  }
  std::optional<Result<CsvRecord>> header = reader->next();
  if (!header) {
    return makeError("audience", path.string() + ": empty file; the first row must be the header");
  }
  if (!*header) {
    return makeError("audience", path.string() + ": header " + header->error().message);
  }
  reader->header_ = (*header)->fields;
  // A UTF-8 byte order mark is not part of the first column's name.
  if (!reader->header_.empty() && reader->header_[0].rfind("\xEF\xBB\xBF", 0) == 0) {
    reader->header_[0].erase(0, 3);
  }
  return reader;
}

void CsvReader::seek(const CsvPosition& position) {
  in_.clear();
  in_.seekg(position.offset);
  position_ = position;
}

bool CsvReader::readRecord(std::vector<std::string>& fields, std::string& error) {
  fields.clear();
  error.clear();
  // Skip empty lines.
  for (int c = in_.peek(); c == '\n' || c == '\r'; c = in_.peek()) {
    in_.get();
    ++position_.offset;
    position_.line += c == '\n' ? 1 : 0;
  }
  if (in_.peek() == std::char_traits<char>::eof()) {
    return false;
  }
  recordLine_ = position_.line;
  std::string field;
  bool inQuotes = false;
  bool closedQuote = false;
  auto skipLine = [&](const std::string& why) {
    error = why;
    for (int c = in_.get(); c != std::char_traits<char>::eof(); c = in_.get()) {
      ++position_.offset;
      if (c == '\n') {
        ++position_.line;
        break;
      }
    }
    return true;
  };
  for (;;) {
    int c = in_.get();
    if (c == std::char_traits<char>::eof()) {
      if (inQuotes) {
        error = "a quoted field is never closed";
      }
      fields.push_back(std::move(field));
      return true;
    }
    ++position_.offset;
    if (inQuotes) {
      if (c == '"' && in_.peek() == '"') {
        in_.get();
        ++position_.offset;
        field += '"';
      } else if (c == '"') {
        inQuotes = false;
        closedQuote = true;
      } else {
        position_.line += c == '\n' ? 1 : 0;
        field += static_cast<char>(c);
      }
      continue;
    }
    if (c == '\r' && in_.peek() == '\n') {
      continue;
    }
    if (c == ',' || c == '\n') {
      fields.push_back(std::move(field));
      field.clear();
      closedQuote = false;
      if (c == '\n') {
        ++position_.line;
        return true;
      }
      continue;
    }
    if (closedQuote) {
      return skipLine("text after a closing quote");
    }
    if (c == '"') {
      if (!field.empty()) {
        return skipLine("a quote inside an unquoted field (quote the whole field)");
      }
      inQuotes = true;
      continue;
    }
    field += static_cast<char>(c);
  }
}

std::optional<Result<CsvRecord>> CsvReader::next() {
  std::vector<std::string> fields;
  std::string error;
  if (!readRecord(fields, error)) {
    return std::nullopt;
  }
  CsvRecord record{recordLine_, std::move(fields)};
  auto fail = [&](const std::string& why) {
    return std::optional<Result<CsvRecord>>(
        makeError("invalid_row", "line " + std::to_string(record.line) + ": " + why));
  };
  if (!error.empty()) {
    return fail(error);
  }
  if (!header_.empty() && record.fields.size() != header_.size()) {
    return fail("has " + std::to_string(record.fields.size()) + " fields, the header has " +
                std::to_string(header_.size()));
  }
  for (size_t i = 0; i < record.fields.size(); ++i) {
    if (!isValidUtf8(record.fields[i])) {
      return fail("field " + std::to_string(i + 1) + " is not valid UTF-8");
    }
  }
  return std::optional<Result<CsvRecord>>(std::move(record));
}

}  // namespace notify::core
