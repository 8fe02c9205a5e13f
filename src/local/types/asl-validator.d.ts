declare module 'asl-validator' {
  interface ValidationResult {
    isValid: boolean;
    errors: { message: string }[];
    errorsText(separator?: string): string;
  }
  function aslValidator(
    definition: object,
    options?: { checkArn?: boolean; checkPaths?: boolean },
  ): ValidationResult;
  export = aslValidator;
}
