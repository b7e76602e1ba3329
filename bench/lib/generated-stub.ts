// Stands in for `convex/_generated/api` in the modules map handed to convex-test: convex-test finds
// the functions' root by the "_generated" path. The bench app itself imports `convex/server`.
export {};
