// SPDX-License-Identifier: Apache-2.0
#include "core/schedule/audience_source.hpp"

#include <algorithm>

#include "core/common/json_writer.hpp"
#include "core/schedule/csv_reader.hpp"

namespace notify::core {
namespace {

// Splits one row of name → value into the address (the recipient kind) and the variables.
AudienceRow rowOf(int64_t line, const std::string& recipient, const AudienceValues& values) {
  AudienceRow row;
  row.line = line;
  for (const auto& [name, value] : values) {
    if (name == recipient) {
      row.to.emplace_back(name, value);
    } else {
      row.vars.emplace_back(name, value);
    }
  }
  return row;
}

class InlineAudience : public AudienceSource {
 public:
  InlineAudience(const AudienceConfig& config, int64_t next)
      : config_(config), next_(static_cast<size_t>(next)) {}

  std::vector<Result<AudienceRow>> read(size_t max) override {
    std::vector<Result<AudienceRow>> rows;
    while (rows.size() < max && next_ < config_.inlineRows.size()) {
      rows.emplace_back(
          rowOf(static_cast<int64_t>(next_ + 1), config_.recipient, config_.inlineRows[next_]));
      ++next_;
    }
    return rows;
  }
  AudienceCursor cursor() const override { return {static_cast<int64_t>(next_), 0}; }

 private:
  const AudienceConfig& config_;
  size_t next_;
};

class CsvAudience : public AudienceSource {
 public:
  CsvAudience(std::unique_ptr<CsvReader> reader, std::string recipient)
      : reader_(std::move(reader)), recipient_(std::move(recipient)) {}

  std::vector<Result<AudienceRow>> read(size_t max) override {
    std::vector<Result<AudienceRow>> rows;
    const std::vector<std::string>& header = reader_->header();
    while (rows.size() < max) {
      std::optional<Result<CsvRecord>> record = reader_->next();
      if (!record) {
        break;
      }
      if (!*record) {
        rows.emplace_back(record->error());
        continue;
      }
      AudienceValues values;
      for (size_t i = 0; i < header.size(); ++i) {
        values.emplace_back(header[i], std::move((*record)->fields[i]));
      }
      rows.emplace_back(rowOf((*record)->line, recipient_, values));
    }
    return rows;
  }
  AudienceCursor cursor() const override {
    CsvPosition p = reader_->position();
    return {p.offset, p.line};
  }
  std::vector<std::string> columns() const override {
    std::vector<std::string> names;
    for (const auto& name : reader_->header()) {
      if (name != recipient_) {
        names.push_back(name);
      }
    }
    return names;
  }

 private:
  std::unique_ptr<CsvReader> reader_;
  std::string recipient_;
};

class PushedAudience : public AudienceSource {
 public:
  PushedAudience(CronStore& store, std::string app, std::string list, int64_t afterSeq)
      : store_(store), app_(std::move(app)), list_(std::move(list)), afterSeq_(afterSeq) {}

  std::vector<Result<AudienceRow>> read(size_t max) override {
    std::vector<Result<AudienceRow>> rows;
    Result<std::vector<AudienceEntry>> page = store_.audiencePage(app_, list_, afterSeq_, max);
    if (!page) {
      rows.emplace_back(page.error());
      return rows;
    }
    for (const auto& entry : *page) {
      AudienceRow row;
      row.line = entry.seq;
      row.to = parseJsonObjectOfStrings(entry.toJson);
      row.vars = parseJsonObjectOfStrings(entry.varsJson);
      rows.emplace_back(std::move(row));
      afterSeq_ = entry.seq;
    }
    return rows;
  }
  AudienceCursor cursor() const override { return {afterSeq_, 0}; }

 private:
  CronStore& store_;
  std::string app_;
  std::string list_;
  int64_t afterSeq_;
};

}  // namespace

Result<std::unique_ptr<AudienceSource>> openAudience(const CronJobConfig& job, CronStore* store,
                                                     const AudienceCursor& cursor) {
  const AudienceConfig& audience = job.audience;
  if (!audience.list.empty()) {
    if (store == nullptr) {
      return makeError("unavailable", "this store keeps no pushed audiences");
    }
    return std::unique_ptr<AudienceSource>(
        new PushedAudience(*store, job.app, audience.list, cursor.offset));
  }
  if (audience.csv.empty()) {
    return std::unique_ptr<AudienceSource>(new InlineAudience(audience, cursor.offset));
  }
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::open(audience.csv);
  if (!reader) {
    return reader.error();
  }
  const std::vector<std::string>& header = (*reader)->header();
  if (std::find(header.begin(), header.end(), audience.recipient) == header.end()) {
    return makeError("audience", audience.csv.string() + ": the header has no '" +
                                     audience.recipient + "' column (the recipient)");
  }
  if (cursor.offset > 0) {
    (*reader)->seek({cursor.offset, cursor.line});
  }
  return std::unique_ptr<AudienceSource>(
      new CsvAudience(std::move(reader).value(), audience.recipient));
}

}  // namespace notify::core
