export { peoplePages } from "./people.pages.ts";
export { peopleRoutes } from "./people.routes.ts";
