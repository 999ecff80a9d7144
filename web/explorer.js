// The explorer's entry: the path below the root says which view to show. Every view is a page
// load of its own (links and the form navigate), so the browser's history needs no help.
import { root } from "./api.js";
import { showList } from "./list.js";
import { showTwap } from "./twap.js";

const here = new URL(window.location.href);
const below = here.pathname.startsWith(root.pathname) ? here.pathname.slice(root.pathname.length) : "";
const twap = /^twap\/([^/]+)$/.exec(below);

if (twap) {
  showTwap(decodeURIComponent(twap[1]), here.searchParams);
} else {
  showList(here.searchParams);
}
