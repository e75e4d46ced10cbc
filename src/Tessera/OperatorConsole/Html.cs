using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Tessera.OperatorConsole;

/// <summary>
/// Markup that is already safe. Pages are built only with <see cref="H"/>, whose holes are HTML-encoded unless they
/// are themselves <see cref="Html"/>: data from the database can never become markup or script.
/// </summary>
public readonly record struct Html(string Value)
{
    public static readonly Html Empty = new("");

    public static Html H([InterpolatedStringHandlerArgument] ref HtmlHandler handler) => handler.ToHtml();

    public static Html Join(IEnumerable<Html> parts) => new(string.Concat(parts.Select(p => p.Value)));

    public static Html When(bool condition, Html html) => condition ? html : Empty;

    public override string ToString() => Value;
}

[InterpolatedStringHandler]
public ref struct HtmlHandler
{
    private readonly StringBuilder _builder;

    public HtmlHandler(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + formattedCount * 16);

    public readonly void AppendLiteral(string literal) => _builder.Append(literal);

    public readonly void AppendFormatted(Html html) => _builder.Append(html.Value);

    public readonly void AppendFormatted(IEnumerable<Html> parts)
    {
        foreach (var part in parts) _builder.Append(part.Value);
    }

    public readonly void AppendFormatted(DateTime value) => _builder.Append(value.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    public readonly void AppendFormatted(DateTime? value)
    {
        if (value is { } v) AppendFormatted(v);
    }

    public readonly void AppendFormatted<T>(T value) =>
        _builder.Append(HtmlEncoder.Default.Encode(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));

    internal readonly Html ToHtml() => new(_builder.ToString());
}
