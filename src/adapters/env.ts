/** A required setting of the function's environment (declared in serverless.yml). */
export class MissingSettingError extends Error {
  override readonly name = 'MissingSettingError';
}

export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new MissingSettingError(`Environment variable ${name} is not set`);
  return value;
};
