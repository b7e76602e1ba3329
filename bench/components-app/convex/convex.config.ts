import { defineApp } from "convex/server";
import store from "./store/convex.config";

const app = defineApp();
app.use(store);
export default app;
