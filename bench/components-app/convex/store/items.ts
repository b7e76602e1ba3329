import { itemFunctions } from "../../lib/item-functions";

export const { insert, byKey } = itemFunctions();
