#include "store/s3/sigv4.h"

#include <algorithm>
#include <cctype>

#include "base/hash.h"
#include "base/time_util.h"

namespace tarn {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header values are trimmed and inner runs of spaces folded, per the canonical form.
std::string TrimValue(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string AsString(const Sha256Digest& digest) {
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

std::string SigningKey(const AwsCredentials& credentials, std::string_view date,
                       std::string_view region) {
  std::string key = AsString(HmacSha256("AWS4" + credentials.secret_access_key.Reveal(), date));
  key = AsString(HmacSha256(key, region));
  key = AsString(HmacSha256(key, "s3"));
  return AsString(HmacSha256(key, "aws4_request"));
}

std::string Scope(std::string_view date, std::string_view region) {
  return std::string(date) + "/" + std::string(region) + "/s3/aws4_request";
}

std::string Signature(const AwsCredentials& credentials, std::string_view amz_date,
                      std::string_view region, const std::string& canonical_request) {
  std::string_view date = amz_date.substr(0, 8);
  std::string string_to_sign = std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" +
                               Scope(date, region) + "\n" + Sha256Hex(canonical_request);
  return HexEncode(HmacSha256(SigningKey(credentials, date, region), string_to_sign));
}

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string CanonicalQueryString(const QueryParams& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [key, value] : query) {
    encoded.emplace_back(UriEncode(key, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += key + "=" + value;
  }
  return out;
}

HttpHeaders SignRequest(const SignedRequestParts& request, const AwsCredentials& credentials,
                        std::string_view region, int64_t now_micros) {
  std::string amz_date = FormatUtc(now_micros, "%Y%m%dT%H%M%SZ");
  HttpHeaders headers = request.headers;
  headers.emplace_back("host", request.host);
  headers.emplace_back("x-amz-date", amz_date);
  headers.emplace_back("x-amz-content-sha256", request.payload_sha256);
  if (!credentials.session_token.empty()) {
    headers.emplace_back("x-amz-security-token", credentials.session_token.Reveal());
  }

  std::vector<std::pair<std::string, std::string>> canonical;
  for (const auto& [name, value] : headers) canonical.emplace_back(ToLower(name), TrimValue(value));
  std::sort(canonical.begin(), canonical.end());
  std::string canonical_headers;
  std::string signed_headers;
  for (const auto& [name, value] : canonical) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += name;
  }
  std::string canonical_request = request.method + "\n" + request.encoded_path + "\n" +
                                  CanonicalQueryString(request.query) + "\n" + canonical_headers +
                                  "\n" + signed_headers + "\n" + request.payload_sha256;
  std::string signature = Signature(credentials, amz_date, region, canonical_request);
  headers.emplace_back("authorization",
                       std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                           Scope(amz_date.substr(0, 8), region) +
                           ",SignedHeaders=" + signed_headers + ",Signature=" + signature);
  return headers;
}

std::string PresignQuery(std::string_view method, std::string_view host,
                         std::string_view encoded_path, const AwsCredentials& credentials,
                         std::string_view region, int64_t now_micros, int64_t expires_seconds) {
  std::string amz_date = FormatUtc(now_micros, "%Y%m%dT%H%M%SZ");
  QueryParams query = {
      {"X-Amz-Algorithm", std::string(kAlgorithm)},
      {"X-Amz-Credential", credentials.access_key_id + "/" + Scope(amz_date.substr(0, 8), region)},
      {"X-Amz-Date", amz_date},
      {"X-Amz-Expires", std::to_string(expires_seconds)},
      {"X-Amz-SignedHeaders", "host"},
  };
  if (!credentials.session_token.empty()) {
    query.emplace_back("X-Amz-Security-Token", credentials.session_token.Reveal());
  }
  std::string canonical_query = CanonicalQueryString(query);
  std::string canonical_request = std::string(method) + "\n" + std::string(encoded_path) + "\n" +
                                  canonical_query + "\nhost:" + std::string(host) +
                                  "\n\nhost\nUNSIGNED-PAYLOAD";
  return canonical_query +
         "&X-Amz-Signature=" + Signature(credentials, amz_date, region, canonical_request);
}

}  // namespace tarn
