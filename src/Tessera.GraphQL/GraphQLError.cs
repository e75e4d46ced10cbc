using Tessera.GraphQL.Language;

namespace Tessera.GraphQL;

/// <summary>A line and column in the source, both 1-based, as written in error responses.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public readonly record struct SourceLocation(int Line, int Column);

/// <summary>
/// An error as it appears in a GraphQL response: <c>message</c>, <c>locations</c>, <c>path</c>, <c>extensions</c>.
/// </summary>
public class GraphQLError : Exception
{
    /// <summary>Creates an error.</summary>
    /// <param name="message">The message.</param>
    /// <param name="locations">Source locations, or null.</param>
    /// <param name="path">The response path (strings and ints), or null.</param>
    /// <param name="extensions">Extension entries, or null.</param>
    /// <param name="innerException">The original exception, if any.</param>
    public GraphQLError(string message, IReadOnlyList<SourceLocation>? locations = null, IReadOnlyList<object>? path = null,
        IReadOnlyDictionary<string, object?>? extensions = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Locations = locations is { Count: > 0 } ? locations : null;
        Path = path;
        Extensions = extensions;
    }

    /// <summary>Creates an error located at the given nodes.</summary>
    public GraphQLError(string message, params ReadOnlySpan<Node?> nodes)
        : this(message, LocationsOf(nodes))
    {
    }

    /// <summary>Source locations of the error, null when it has none.</summary>
    public IReadOnlyList<SourceLocation>? Locations { get; }

    /// <summary>The path of the field in the response (strings for fields, ints for list indexes), or null.</summary>
    public IReadOnlyList<object>? Path { get; }

    /// <summary>Extension entries, or null.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; }

    /// <summary>Returns a copy of this error with a response path and locations set.</summary>
    public GraphQLError WithPath(IReadOnlyList<object>? path, IReadOnlyList<SourceLocation>? locations) =>
        new(Message, Locations ?? locations, path, Extensions, InnerException);

    internal static IReadOnlyList<SourceLocation>? LocationsOf(ReadOnlySpan<Node?> nodes)
    {
        if (nodes.Length == 0)
        {
            return null;
        }

        var list = new List<SourceLocation>(nodes.Length);
        foreach (var node in nodes)
        {
            if (node is not null && node.Location.Line > 0)
            {
                list.Add(new SourceLocation(node.Location.Line, node.Location.Column));
            }
        }

        return list.Count == 0 ? null : list;
    }

    /// <inheritdoc />
    public override string ToString() => Locations is { Count: > 0 } l ? $"{Message} ({l[0].Line}:{l[0].Column})" : Message;
}

/// <summary>A syntax error: the document could not be lexed or parsed.</summary>
public sealed class GraphQLSyntaxError : GraphQLError
{
    /// <summary>Creates a syntax error; the message is prefixed with <c>Syntax Error: </c>.</summary>
    public GraphQLSyntaxError(string description, int position, int line, int column)
        : base("Syntax Error: " + description, [new SourceLocation(line, column)])
    {
        Description = description;
        Position = position;
    }

    /// <summary>The description without the <c>Syntax Error: </c> prefix.</summary>
    public string Description { get; }

    /// <summary>The character offset where the error was found.</summary>
    public int Position { get; }
}
