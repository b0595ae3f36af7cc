import { render } from "preact";

import { loadBlockData, ProductBlock } from "./ProductBlock.tsx";
import { productNumber } from "./view.ts";

export default async () => {
  const gid = shopify.data.selected[0]?.id ?? "";
  const load = () =>
    Promise.resolve()
      .then(() => loadBlockData(productNumber(gid)))
      .catch(() => ({ message: "This page is not a product Crosschannel can show." }));
  render(<ProductBlock load={load} />, document.body);
};
