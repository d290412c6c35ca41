// Digests and encodings used by the object stores (SigV4, Content-MD5) and later by
// content checksums. All functions are pure and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tarn {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
Sha256Digest HmacSha256(std::string_view key, std::string_view data);
std::array<uint8_t, 16> Md5(std::string_view data);

// Lower-case hexadecimal.
std::string HexEncode(std::string_view bytes);
template <size_t N>
std::string HexEncode(const std::array<uint8_t, N>& bytes) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), N));
}
std::string Sha256Hex(std::string_view data);

// Standard base64 with padding (RFC 4648 section 4).
std::string Base64Encode(std::string_view bytes);

}  // namespace tarn
