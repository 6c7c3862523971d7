// Resolve hook for the qrcred-*.mjs scripts: @ldclabs/cose-ts 1.5.0 ships
// ESM whose relative imports have no ".js" extension (bundler style), which
// plain node refuses. Registered with module.register by the scripts before
// they import cose-ts dynamically.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (e.code === 'ERR_MODULE_NOT_FOUND' && specifier.startsWith('.') && !specifier.endsWith('.js')) {
      return next(specifier + '.js', context);
    }
    throw e;
  }
}
