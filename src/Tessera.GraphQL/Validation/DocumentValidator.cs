using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Validation;

/// <summary>
/// TEMPORARY placeholder: validates an executable document against a schema (spec section 5).
/// The real rules are built separately and replace this folder.
/// </summary>
public static class DocumentValidator
{
    /// <summary>Returns the validation errors of <paramref name="document"/> against <paramref name="schema"/>; empty when valid.</summary>
    public static IReadOnlyList<GraphQLError> Validate(Schema schema, DocumentNode document, ValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(document);
        return Array.Empty<GraphQLError>();
    }
}

/// <summary>Options of <see cref="DocumentValidator"/>.</summary>
public sealed class ValidationOptions
{
    /// <summary>Validation stops after this many errors. Defaults to 100.</summary>
    public int MaxErrors { get; init; } = 100;
}
