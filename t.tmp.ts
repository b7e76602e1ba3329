import { Store } from "./runtime/store/sqlite-store";
(async () => {
    const store = await Store.open({});
    await store.setSchema({ schemaValidation: false, tables: [{ tableName: "items", indexes: [{ indexDescriptor: "by_n", fields: ["n"] }, { indexDescriptor: "by_g_n", fields: ["g", "n"] }], documentType: null }] });
    let t = Date.now();
    for (let b = 0; b < 10; b++) {
      const tx = await store.beginWrite();
      for (let i = 0; i < 10000; i++) tx.insert("items", { n: b * 10000 + i, g: i % 100, text: "some text here " + i });
      tx.commit();
    }
    console.log("insert 100k", Date.now() - t, "ms");
})();
