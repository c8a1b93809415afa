// The `express4` alias (npm:express@4) ships no types; for these tests its API is express's.
declare module 'express4' {
  import express from 'express';
  export default express;
}
