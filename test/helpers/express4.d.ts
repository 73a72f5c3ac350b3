// express@4 is installed under the npm alias "express4" and ships no types of its own. The
// tests use only the surface both majors share, so Express 5's types describe it well enough.
declare module "express4" {
  import express from "express";
  export default express;
}
