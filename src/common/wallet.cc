#include "common/wallet.h"

#include "common/text.h"

namespace hltwap {

std::string NormalizeWallet(std::string_view wallet) {
  return ToLower(wallet);
}

}  // namespace hltwap
