#include "common/wallet.h"

#include <algorithm>

#include "common/text.h"

namespace hltwap {

bool IsWalletAddress(std::string_view text) {
  if (text.size() != kWalletAddressLength || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return false;
  }
  return std::all_of(text.begin() + 2, text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::string NormalizeWallet(std::string_view wallet) {
  return ToLower(wallet);
}

}  // namespace hltwap
