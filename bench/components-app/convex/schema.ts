import { defineSchema } from "convex/server";
import { itemsTable } from "../lib/item-functions";

export default defineSchema({ items: itemsTable });
