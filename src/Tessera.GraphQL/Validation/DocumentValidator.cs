using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Validation;

/// <summary>
/// Validates an executable document against a schema: every rule of spec section 5 (graphql-js
/// <c>specifiedRules</c>, in the same order so errors come out in the same order), in one pass over the document.
/// </summary>
public static class DocumentValidator
{
    /// <summary>The message of the last error when validation stops at <see cref="ValidationOptions.MaxErrors"/>.</summary>
    public const string TooManyErrorsMessage = "Too many validation errors, error limit reached. Validation aborted.";

    /// <summary>The message of the last error when a document needs too many field comparisons to check that its fields merge.</summary>
    public const string TooComplexMessage = "Document is too complex to validate: too many overlapping fields to compare.";

    /// <summary>The message of the error returned for a document nested too deeply to be walked on the current stack.</summary>
    public const string TooDeeplyNestedMessage = "Document is too deeply nested to validate.";

    /// <summary>Returns the validation errors of <paramref name="document"/> against <paramref name="schema"/>; empty when valid.</summary>
    /// <param name="schema">The schema the document must be valid against.</param>
    /// <param name="document">A parsed document.</param>
    /// <param name="options">Limits; defaults apply when null.</param>
    public static IReadOnlyList<GraphQLError> Validate(Schema schema, DocumentNode document, ValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(document);
        options ??= ValidationOptions.Default;

        var context = new ValidationContext(schema, document, options.MaxErrors);
        var walker = new ValidationWalker(context, SpecifiedRules.Create(context));
        try
        {
            walker.WalkDocument(document);
        }
        catch (ValidationAbortedException)
        {
            // The error limit or the comparison budget was reached: the errors so far end with the message saying so.
        }
        catch (InsufficientExecutionStackException)
        {
            // A document nested deeper than the stack allows is refused rather than allowed to crash the process.
            context.Errors.Add(new GraphQLError(TooDeeplyNestedMessage));
        }

        return context.Errors.Count == 0 ? Array.Empty<GraphQLError>() : context.Errors;
    }
}

/// <summary>Options of <see cref="DocumentValidator"/>.</summary>
public sealed class ValidationOptions
{
    internal static readonly ValidationOptions Default = new();

    /// <summary>
    /// Validation stops after this many errors and appends one last error saying so (as graphql-js does).
    /// Defaults to 100.
    /// </summary>
    public int MaxErrors { get; init; } = 100;
}

/// <summary>Thrown inside validation to stop it (error limit, comparison budget); never escapes <see cref="DocumentValidator"/>.</summary>
internal sealed class ValidationAbortedException : Exception
{
}
