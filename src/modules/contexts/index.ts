// The contexts module's public surface: peer groups, places and online spaces.
export { contextsPages } from "./contexts.pages.ts";
export { contextsRoutes } from "./contexts.routes.ts";
