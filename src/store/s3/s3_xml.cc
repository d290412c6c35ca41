#include "store/s3/s3_xml.h"

#include <pugixml.hpp>

#include "base/time_util.h"

namespace tarn {
namespace {

bool Load(pugi::xml_document* doc, std::string_view body) {
  return doc->load_buffer(body.data(), body.size()).status == pugi::status_ok;
}

std::string EscapeXml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Result<std::string> UrlDecode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] != '%') {
      out.push_back(text[i]);
    } else if (i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      return Status::Corruption("malformed percent-encoding in '" + std::string(text) + "'");
    }
  }
  return out;
}

S3Error ParseS3Error(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(&doc, body)) return {};
  pugi::xml_node error = doc.child("Error");
  return {error.child_value("Code"), error.child_value("Message")};
}

Result<S3ListResult> ParseListObjectsV2(std::string_view body) {
  pugi::xml_document doc;
  pugi::xml_node root;
  if (!Load(&doc, body) || !(root = doc.child("ListBucketResult"))) {
    return Status::Corruption("S3 list response is not a ListBucketResult document");
  }
  S3ListResult result;
  result.truncated = std::string_view(root.child_value("IsTruncated")) == "true";
  result.next_continuation_token = root.child_value("NextContinuationToken");
  // With encoding-type=url, servers that honour it say so and percent-encode the keys.
  bool url_encoded = std::string_view(root.child_value("EncodingType")) == "url";
  for (pugi::xml_node item : root.children("Contents")) {
    ObjectInfo info;
    info.key = item.child_value("Key");
    if (url_encoded) {
      Result<std::string> decoded = UrlDecode(info.key);
      if (!decoded.ok()) return decoded.status().WithContext("S3 list response");
      info.key = *std::move(decoded);
    }
    info.size = item.child("Size").text().as_ullong();
    info.etag = item.child_value("ETag");
    Result<int64_t> modified = ParseIso8601(item.child_value("LastModified"));
    info.modified_micros = modified.ok() ? *modified : 0;
    result.objects.push_back(std::move(info));
  }
  if (result.truncated && result.next_continuation_token.empty()) {
    return Status::Corruption("S3 list response is truncated but has no continuation token");
  }
  return result;
}

Result<std::string> ParseUploadId(std::string_view body) {
  pugi::xml_document doc;
  std::string id;
  if (Load(&doc, body)) id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  if (id.empty()) return Status::Corruption("S3 multipart response has no UploadId");
  return id;
}

std::string BuildDeleteBody(const std::vector<std::string>& keys) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>";
  for (const std::string& key : keys) body += "<Object><Key>" + EscapeXml(key) + "</Key></Object>";
  return body + "</Delete>";
}

Result<std::vector<std::string>> ParseDeleteErrors(std::string_view body) {
  pugi::xml_document doc;
  pugi::xml_node root;
  if (!Load(&doc, body) || !(root = doc.child("DeleteResult"))) {
    return Status::Corruption("S3 delete response is not a DeleteResult document");
  }
  std::vector<std::string> failed;
  for (pugi::xml_node error : root.children("Error")) {
    failed.push_back(std::string(error.child_value("Key")) + " (" + error.child_value("Code") +
                     ")");
  }
  return failed;
}

std::string BuildCompleteBody(const std::vector<std::string>& etags) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
            EscapeXml(etags[i]) + "</ETag></Part>";
  }
  return body + "</CompleteMultipartUpload>";
}

}  // namespace tarn
