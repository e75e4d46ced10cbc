namespace Tessera.GraphQL.Language;

/// <summary>Options of <see cref="Parser"/>.</summary>
public sealed class ParserOptions
{
    /// <summary>Parsing stops with a syntax error once a document has more tokens than this. Defaults to no limit (0).</summary>
    public int MaxTokens { get; init; }
}

/// <summary>Recursive-descent parser for the whole GraphQL grammar (executable and type system documents).</summary>
public sealed class Parser
{
    private readonly Lexer _lexer;
    private readonly int _maxTokens;
    private int _tokenCount;

    private Parser(string source, ParserOptions? options)
    {
        _lexer = new Lexer(source);
        _maxTokens = options?.MaxTokens ?? 0;
    }

    /// <summary>Parses a document. Throws <see cref="GraphQLSyntaxError"/> when the text is not valid GraphQL.</summary>
    public static DocumentNode Parse(string source, ParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var parser = new Parser(source, options);
        parser.Advance();
        return parser.ParseDocument();
    }

    /// <summary>Parses a single value literal, e.g. <c>{a: [1, 2]}</c>.</summary>
    public static ValueNode ParseValue(string source)
    {
        var parser = new Parser(source, null);
        parser.Advance();
        var value = parser.ParseValueLiteral(false);
        parser.Expect(TokenKind.EndOfFile);
        return value;
    }

    /// <summary>Parses a type reference, e.g. <c>[Int!]!</c>.</summary>
    public static TypeNode ParseType(string source)
    {
        var parser = new Parser(source, null);
        parser.Advance();
        var type = parser.ParseTypeReference();
        parser.Expect(TokenKind.EndOfFile);
        return type;
    }

    private void Advance()
    {
        _lexer.Advance();
        if (_lexer.Kind != TokenKind.EndOfFile)
        {
            _tokenCount++;
            if (_maxTokens > 0 && _tokenCount > _maxTokens)
            {
                throw _lexer.Error(_lexer.Start, $"Document contains more than {_maxTokens} tokens. Parsing aborted.");
            }
        }
    }

    private DocumentNode ParseDocument()
    {
        var start = Mark();
        var definitions = new List<DefinitionNode>();
        do
        {
            definitions.Add(ParseDefinition());
        }
        while (_lexer.Kind != TokenKind.EndOfFile);

        return new DocumentNode { Definitions = definitions.ToArray(), TokenCount = _tokenCount, Location = new Location(0, _lexer.Source.Length, 1, 1) };
    }

    private DefinitionNode ParseDefinition()
    {
        if (_lexer.Kind == TokenKind.BraceL)
        {
            return ParseOperationDefinition(null);
        }

        StringValueNode? description = null;
        if (_lexer.Kind is TokenKind.String or TokenKind.BlockString)
        {
            description = ParseStringLiteral();
        }

        if (_lexer.Kind == TokenKind.Name)
        {
            switch (_lexer.Value)
            {
                case "schema": return ParseSchemaDefinition(description);
                case "scalar": return ParseScalarTypeDefinition(description, false);
                case "type": return ParseObjectTypeDefinition(description, false, false);
                case "interface": return ParseObjectTypeDefinition(description, true, false);
                case "union": return ParseUnionTypeDefinition(description, false);
                case "enum": return ParseEnumTypeDefinition(description, false);
                case "input": return ParseInputObjectTypeDefinition(description, false);
                case "directive": return ParseDirectiveDefinition(description);
                case "query":
                case "mutation":
                case "subscription":
                    return ParseOperationDefinition(description);
                case "fragment":
                    return ParseFragmentDefinition(description);
                case "extend":
                    if (description is not null)
                    {
                        throw _lexer.Error(description.Location.Start, "Unexpected description, descriptions are not supported on type extensions.");
                    }

                    return ParseTypeSystemExtension();
            }
        }

        if (description is not null && _lexer.Kind == TokenKind.BraceL)
        {
            throw _lexer.Error(description.Location.Start, "Unexpected description, only GraphQL definitions support descriptions.");
        }

        throw Unexpected();
    }

    // ---- Executable definitions ----

    private OperationDefinitionNode ParseOperationDefinition(StringValueNode? description)
    {
        var start = description is null ? Mark() : MarkOf(description);
        if (_lexer.Kind == TokenKind.BraceL)
        {
            var selectionSet = ParseSelectionSet();
            return new OperationDefinitionNode { Operation = OperationType.Query, SelectionSet = selectionSet, Location = Finish(start) };
        }

        var operation = ParseOperationType();
        NameNode? name = null;
        if (_lexer.Kind == TokenKind.Name)
        {
            name = ParseName();
        }

        return new OperationDefinitionNode
        {
            Description = description,
            Operation = operation,
            Name = name,
            VariableDefinitions = ParseVariableDefinitions(),
            Directives = ParseDirectives(false),
            SelectionSet = ParseSelectionSet(),
            Location = Finish(start),
        };
    }

    private OperationType ParseOperationType()
    {
        var token = Mark();
        if (_lexer.Kind == TokenKind.Name)
        {
            switch (_lexer.Value)
            {
                case "query": Advance(); return OperationType.Query;
                case "mutation": Advance(); return OperationType.Mutation;
                case "subscription": Advance(); return OperationType.Subscription;
            }
        }

        throw Unexpected(token);
    }

    private IReadOnlyList<VariableDefinitionNode> ParseVariableDefinitions()
    {
        if (_lexer.Kind != TokenKind.ParenL)
        {
            return [];
        }

        Advance();
        var list = new List<VariableDefinitionNode>();
        do
        {
            list.Add(ParseVariableDefinition());
        }
        while (!Skip(TokenKind.ParenR));

        return list.ToArray();
    }

    private VariableDefinitionNode ParseVariableDefinition()
    {
        var start = Mark();
        StringValueNode? description = null;
        if (_lexer.Kind is TokenKind.String or TokenKind.BlockString)
        {
            description = ParseStringLiteral();
        }

        var variable = ParseVariable();
        Expect(TokenKind.Colon);
        var type = ParseTypeReference();
        ValueNode? defaultValue = null;
        if (Skip(TokenKind.Equals))
        {
            defaultValue = ParseValueLiteral(true);
        }

        return new VariableDefinitionNode
        {
            Description = description,
            Variable = variable,
            Type = type,
            DefaultValue = defaultValue,
            Directives = ParseDirectives(true),
            Location = Finish(start),
        };
    }

    private VariableNode ParseVariable()
    {
        var start = Mark();
        Expect(TokenKind.Dollar);
        return new VariableNode { Name = ParseName(), Location = Finish(start) };
    }

    private SelectionSetNode ParseSelectionSet()
    {
        EnsureStack();
        var start = Mark();
        Expect(TokenKind.BraceL);
        var list = new List<SelectionNode>();
        do
        {
            list.Add(ParseSelection());
        }
        while (!Skip(TokenKind.BraceR));

        return new SelectionSetNode { Selections = list.ToArray(), Location = Finish(start) };
    }

    private SelectionNode ParseSelection() => _lexer.Kind == TokenKind.Spread ? ParseFragment() : ParseField();

    private FieldNode ParseField()
    {
        var start = Mark();
        var nameOrAlias = ParseName();
        NameNode? alias = null;
        NameNode name;
        if (Skip(TokenKind.Colon))
        {
            alias = nameOrAlias;
            name = ParseName();
        }
        else
        {
            name = nameOrAlias;
        }

        var arguments = ParseArguments(false);
        var directives = ParseDirectives(false);
        SelectionSetNode? selectionSet = _lexer.Kind == TokenKind.BraceL ? ParseSelectionSet() : null;
        return new FieldNode
        {
            Alias = alias,
            Name = name,
            Arguments = arguments,
            Directives = directives,
            SelectionSet = selectionSet,
            Location = Finish(start),
        };
    }

    private IReadOnlyList<ArgumentNode> ParseArguments(bool isConst)
    {
        if (_lexer.Kind != TokenKind.ParenL)
        {
            return [];
        }

        Advance();
        var list = new List<ArgumentNode>();
        do
        {
            var start = Mark();
            var name = ParseName();
            Expect(TokenKind.Colon);
            list.Add(new ArgumentNode { Name = name, Value = ParseValueLiteral(isConst), Location = Finish(start) });
        }
        while (!Skip(TokenKind.ParenR));

        return list.ToArray();
    }

    private SelectionNode ParseFragment()
    {
        var start = Mark();
        Expect(TokenKind.Spread);
        var hasTypeCondition = _lexer.Kind == TokenKind.Name && _lexer.Value == "on";
        if (!hasTypeCondition && _lexer.Kind == TokenKind.Name)
        {
            return new FragmentSpreadNode { Name = ParseFragmentName(), Directives = ParseDirectives(false), Location = Finish(start) };
        }

        NamedTypeNode? typeCondition = null;
        if (hasTypeCondition)
        {
            Advance();
            typeCondition = ParseNamedType();
        }

        return new InlineFragmentNode
        {
            TypeCondition = typeCondition,
            Directives = ParseDirectives(false),
            SelectionSet = ParseSelectionSet(),
            Location = Finish(start),
        };
    }

    private FragmentDefinitionNode ParseFragmentDefinition(StringValueNode? description)
    {
        var start = description is null ? Mark() : MarkOf(description);
        ExpectKeyword("fragment");
        var name = ParseFragmentName();
        ExpectKeyword("on");
        return new FragmentDefinitionNode
        {
            Description = description,
            Name = name,
            TypeCondition = ParseNamedType(),
            Directives = ParseDirectives(false),
            SelectionSet = ParseSelectionSet(),
            Location = Finish(start),
        };
    }

    private NameNode ParseFragmentName()
    {
        if (_lexer.Kind == TokenKind.Name && _lexer.Value == "on")
        {
            throw Unexpected();
        }

        return ParseName();
    }

    // ---- Values ----

    private ValueNode ParseValueLiteral(bool isConst)
    {
        EnsureStack();
        var start = Mark();
        switch (_lexer.Kind)
        {
            case TokenKind.BracketL:
            {
                Advance();
                var values = new List<ValueNode>();
                while (!Skip(TokenKind.BracketR))
                {
                    values.Add(ParseValueLiteral(isConst));
                }

                return new ListValueNode { Values = values.ToArray(), Location = Finish(start) };
            }

            case TokenKind.BraceL:
            {
                Advance();
                var fields = new List<ObjectFieldNode>();
                while (!Skip(TokenKind.BraceR))
                {
                    var fieldStart = Mark();
                    var name = ParseName();
                    Expect(TokenKind.Colon);
                    fields.Add(new ObjectFieldNode { Name = name, Value = ParseValueLiteral(isConst), Location = Finish(fieldStart) });
                }

                return new ObjectValueNode { Fields = fields.ToArray(), Location = Finish(start) };
            }

            case TokenKind.Int:
            {
                var value = _lexer.Value!;
                Advance();
                return new IntValueNode { Value = value, Location = Finish(start) };
            }

            case TokenKind.Float:
            {
                var value = _lexer.Value!;
                Advance();
                return new FloatValueNode { Value = value, Location = Finish(start) };
            }

            case TokenKind.String:
            case TokenKind.BlockString:
                return ParseStringLiteral();
            case TokenKind.Name:
            {
                var value = _lexer.Value!;
                Advance();
                return value switch
                {
                    "true" => new BooleanValueNode { Value = true, Location = Finish(start) },
                    "false" => new BooleanValueNode { Value = false, Location = Finish(start) },
                    "null" => new NullValueNode { Location = Finish(start) },
                    _ => new EnumValueNode { Value = value, Location = Finish(start) },
                };
            }

            case TokenKind.Dollar:
                if (isConst)
                {
                    Advance();
                    if (_lexer.Kind == TokenKind.Name)
                    {
                        throw _lexer.Error(start.Start, $"Unexpected variable \"${_lexer.Value}\" in constant value.");
                    }

                    throw Unexpected(start);
                }

                return ParseVariable();
            default:
                throw Unexpected();
        }
    }

    private StringValueNode ParseStringLiteral()
    {
        var start = Mark();
        var block = _lexer.Kind == TokenKind.BlockString;
        var value = _lexer.Value!;
        Advance();
        return new StringValueNode { Value = value, Block = block, Location = Finish(start) };
    }

    private IReadOnlyList<DirectiveNode> ParseDirectives(bool isConst)
    {
        if (_lexer.Kind != TokenKind.At)
        {
            return [];
        }

        var list = new List<DirectiveNode>();
        while (_lexer.Kind == TokenKind.At)
        {
            var start = Mark();
            Advance();
            var name = ParseName();
            list.Add(new DirectiveNode { Name = name, Arguments = ParseArguments(isConst), Location = Finish(start) });
        }

        return list.ToArray();
    }

    // ---- Types ----

    private TypeNode ParseTypeReference()
    {
        EnsureStack();
        var start = Mark();
        TypeNode type;
        if (Skip(TokenKind.BracketL))
        {
            var inner = ParseTypeReference();
            Expect(TokenKind.BracketR);
            type = new ListTypeNode { Type = inner, Location = Finish(start) };
        }
        else
        {
            type = ParseNamedType();
        }

        if (Skip(TokenKind.Bang))
        {
            return new NonNullTypeNode { Type = type, Location = Finish(start) };
        }

        return type;
    }

    private NamedTypeNode ParseNamedType()
    {
        var start = Mark();
        return new NamedTypeNode { Name = ParseName(), Location = Finish(start) };
    }

    // ---- Type system ----

    private SchemaDefinitionNode ParseSchemaDefinition(StringValueNode? description)
    {
        var start = description is null ? Mark() : MarkOf(description);
        ExpectKeyword("schema");
        var directives = ParseDirectives(true);
        Expect(TokenKind.BraceL);
        var operationTypes = new List<OperationTypeDefinitionNode>();
        do
        {
            operationTypes.Add(ParseOperationTypeDefinition());
        }
        while (!Skip(TokenKind.BraceR));

        return new SchemaDefinitionNode { Description = description, Directives = directives, OperationTypes = operationTypes.ToArray(), Location = Finish(start) };
    }

    private OperationTypeDefinitionNode ParseOperationTypeDefinition()
    {
        var start = Mark();
        var operation = ParseOperationType();
        Expect(TokenKind.Colon);
        return new OperationTypeDefinitionNode { Operation = operation, Type = ParseNamedType(), Location = Finish(start) };
    }

    private ScalarTypeDefinitionNode ParseScalarTypeDefinition(StringValueNode? description, bool extension, Mark? extendStart = null)
    {
        var start = extendStart ?? (description is null ? Mark() : MarkOf(description));
        ExpectKeyword("scalar");
        var name = ParseName();
        var directives = ParseDirectives(true);
        if (extension && directives.Count == 0)
        {
            throw Unexpected();
        }

        return new ScalarTypeDefinitionNode { Description = description, Name = name, Directives = directives, Extension = extension, Location = Finish(start) };
    }

    private ObjectTypeDefinitionNode ParseObjectTypeDefinition(StringValueNode? description, bool isInterface, bool extension, Mark? extendStart = null)
    {
        var start = extendStart ?? (description is null ? Mark() : MarkOf(description));
        ExpectKeyword(isInterface ? "interface" : "type");
        var name = ParseName();
        var interfaces = ParseImplementsInterfaces();
        var directives = ParseDirectives(true);
        var fields = ParseFieldsDefinition();
        if (extension && interfaces.Count == 0 && directives.Count == 0 && fields.Count == 0)
        {
            throw Unexpected();
        }

        return new ObjectTypeDefinitionNode
        {
            Description = description,
            Name = name,
            IsInterface = isInterface,
            Extension = extension,
            Interfaces = interfaces,
            Directives = directives,
            Fields = fields,
            Location = Finish(start),
        };
    }

    private IReadOnlyList<NamedTypeNode> ParseImplementsInterfaces()
    {
        if (!(_lexer.Kind == TokenKind.Name && _lexer.Value == "implements"))
        {
            return [];
        }

        Advance();
        Skip(TokenKind.Amp);
        var list = new List<NamedTypeNode>();
        do
        {
            list.Add(ParseNamedType());
        }
        while (Skip(TokenKind.Amp));

        return list.ToArray();
    }

    private IReadOnlyList<FieldDefinitionNode> ParseFieldsDefinition()
    {
        if (_lexer.Kind != TokenKind.BraceL)
        {
            return [];
        }

        Advance();
        var list = new List<FieldDefinitionNode>();
        do
        {
            var start = Mark();
            var description = ParseOptionalDescription();
            var name = ParseName();
            var arguments = ParseArgumentDefinitions();
            Expect(TokenKind.Colon);
            var type = ParseTypeReference();
            list.Add(new FieldDefinitionNode
            {
                Description = description,
                Name = name,
                Arguments = arguments,
                Type = type,
                Directives = ParseDirectives(true),
                Location = Finish(start),
            });
        }
        while (!Skip(TokenKind.BraceR));

        return list.ToArray();
    }

    private StringValueNode? ParseOptionalDescription() =>
        _lexer.Kind is TokenKind.String or TokenKind.BlockString ? ParseStringLiteral() : null;

    private IReadOnlyList<InputValueDefinitionNode> ParseArgumentDefinitions()
    {
        if (_lexer.Kind != TokenKind.ParenL)
        {
            return [];
        }

        Advance();
        var list = new List<InputValueDefinitionNode>();
        do
        {
            list.Add(ParseInputValueDefinition());
        }
        while (!Skip(TokenKind.ParenR));

        return list.ToArray();
    }

    private InputValueDefinitionNode ParseInputValueDefinition()
    {
        var start = Mark();
        var description = ParseOptionalDescription();
        var name = ParseName();
        Expect(TokenKind.Colon);
        var type = ParseTypeReference();
        ValueNode? defaultValue = null;
        if (Skip(TokenKind.Equals))
        {
            defaultValue = ParseValueLiteral(true);
        }

        return new InputValueDefinitionNode
        {
            Description = description,
            Name = name,
            Type = type,
            DefaultValue = defaultValue,
            Directives = ParseDirectives(true),
            Location = Finish(start),
        };
    }

    private UnionTypeDefinitionNode ParseUnionTypeDefinition(StringValueNode? description, bool extension, Mark? extendStart = null)
    {
        var start = extendStart ?? (description is null ? Mark() : MarkOf(description));
        ExpectKeyword("union");
        var name = ParseName();
        var directives = ParseDirectives(true);
        IReadOnlyList<NamedTypeNode> types = [];
        if (Skip(TokenKind.Equals))
        {
            Skip(TokenKind.Pipe);
            var list = new List<NamedTypeNode>();
            do
            {
                list.Add(ParseNamedType());
            }
            while (Skip(TokenKind.Pipe));

            types = list.ToArray();
        }

        if (extension && directives.Count == 0 && types.Count == 0)
        {
            throw Unexpected();
        }

        return new UnionTypeDefinitionNode { Description = description, Name = name, Directives = directives, Types = types, Extension = extension, Location = Finish(start) };
    }

    private EnumTypeDefinitionNode ParseEnumTypeDefinition(StringValueNode? description, bool extension, Mark? extendStart = null)
    {
        var start = extendStart ?? (description is null ? Mark() : MarkOf(description));
        ExpectKeyword("enum");
        var name = ParseName();
        var directives = ParseDirectives(true);
        IReadOnlyList<EnumValueDefinitionNode> values = [];
        if (Skip(TokenKind.BraceL))
        {
            var list = new List<EnumValueDefinitionNode>();
            do
            {
                var valueStart = Mark();
                var valueDescription = ParseOptionalDescription();
                if (_lexer.Kind == TokenKind.Name && _lexer.Value is "true" or "false" or "null")
                {
                    throw _lexer.Error(_lexer.Start, $"{TokenDescription()} is reserved and cannot be used for an enum value.");
                }

                var valueName = ParseName();
                list.Add(new EnumValueDefinitionNode { Description = valueDescription, Name = valueName, Directives = ParseDirectives(true), Location = Finish(valueStart) });
            }
            while (!Skip(TokenKind.BraceR));

            values = list.ToArray();
        }

        if (extension && directives.Count == 0 && values.Count == 0)
        {
            throw Unexpected();
        }

        return new EnumTypeDefinitionNode { Description = description, Name = name, Directives = directives, Values = values, Extension = extension, Location = Finish(start) };
    }

    private InputObjectTypeDefinitionNode ParseInputObjectTypeDefinition(StringValueNode? description, bool extension, Mark? extendStart = null)
    {
        var start = extendStart ?? (description is null ? Mark() : MarkOf(description));
        ExpectKeyword("input");
        var name = ParseName();
        var directives = ParseDirectives(true);
        IReadOnlyList<InputValueDefinitionNode> fields = [];
        if (Skip(TokenKind.BraceL))
        {
            var list = new List<InputValueDefinitionNode>();
            do
            {
                list.Add(ParseInputValueDefinition());
            }
            while (!Skip(TokenKind.BraceR));

            fields = list.ToArray();
        }

        if (extension && directives.Count == 0 && fields.Count == 0)
        {
            throw Unexpected();
        }

        return new InputObjectTypeDefinitionNode { Description = description, Name = name, Directives = directives, Fields = fields, Extension = extension, Location = Finish(start) };
    }

    private static readonly HashSet<string> s_directiveLocations =
    [
        "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE",
        "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT", "INPUT_FIELD_DEFINITION",
    ];

    private DirectiveDefinitionNode ParseDirectiveDefinition(StringValueNode? description)
    {
        var start = description is null ? Mark() : MarkOf(description);
        ExpectKeyword("directive");
        Expect(TokenKind.At);
        var name = ParseName();
        var arguments = ParseArgumentDefinitions();
        var repeatable = false;
        if (_lexer.Kind == TokenKind.Name && _lexer.Value == "repeatable")
        {
            Advance();
            repeatable = true;
        }

        ExpectKeyword("on");
        Skip(TokenKind.Pipe);
        var locations = new List<NameNode>();
        do
        {
            var locationStart = Mark();
            var location = ParseName();
            if (!s_directiveLocations.Contains(location.Value))
            {
                throw Unexpected(locationStart);
            }

            locations.Add(location);
        }
        while (Skip(TokenKind.Pipe));

        return new DirectiveDefinitionNode
        {
            Description = description,
            Name = name,
            Arguments = arguments,
            Repeatable = repeatable,
            Locations = locations.ToArray(),
            Location = Finish(start),
        };
    }

    private TypeSystemDefinitionNode ParseTypeSystemExtension()
    {
        var start = Mark();
        ExpectKeyword("extend");
        if (_lexer.Kind == TokenKind.Name)
        {
            switch (_lexer.Value)
            {
                case "schema":
                {
                    Advance();
                    var directives = ParseDirectives(true);
                    var operationTypes = new List<OperationTypeDefinitionNode>();
                    if (Skip(TokenKind.BraceL))
                    {
                        do
                        {
                            operationTypes.Add(ParseOperationTypeDefinition());
                        }
                        while (!Skip(TokenKind.BraceR));
                    }

                    if (directives.Count == 0 && operationTypes.Count == 0)
                    {
                        throw Unexpected();
                    }

                    return new SchemaExtensionNode { Directives = directives, OperationTypes = operationTypes.ToArray(), Location = Finish(start) };
                }

                case "scalar": return ParseScalarTypeDefinition(null, true, start);
                case "type": return ParseObjectTypeDefinition(null, false, true, start);
                case "interface": return ParseObjectTypeDefinition(null, true, true, start);
                case "union": return ParseUnionTypeDefinition(null, true, start);
                case "enum": return ParseEnumTypeDefinition(null, true, start);
                case "input": return ParseInputObjectTypeDefinition(null, true, start);
            }
        }

        throw Unexpected();
    }

    // ---- Helpers ----

    /// <summary>Deeply nested input must not crash the process with a stack overflow: refuse it as a syntax error.</summary>
    private void EnsureStack()
    {
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw _lexer.Error(_lexer.Start, "Document is nested too deeply.");
        }
    }

    private NameNode ParseName()
    {
        if (_lexer.Kind != TokenKind.Name)
        {
            throw _lexer.Error(_lexer.Start, $"Expected Name, found {TokenDescription()}.");
        }

        var node = new NameNode(_lexer.Value!) { Location = new Location(_lexer.Start, _lexer.End, _lexer.Line, _lexer.Column) };
        Advance();
        return node;
    }

    private void Expect(TokenKind kind)
    {
        if (_lexer.Kind != kind)
        {
            throw _lexer.Error(_lexer.Start, $"Expected {KindDescription(kind)}, found {TokenDescription()}.");
        }

        Advance();
    }

    private void ExpectKeyword(string keyword)
    {
        if (_lexer.Kind != TokenKind.Name || _lexer.Value != keyword)
        {
            throw _lexer.Error(_lexer.Start, $"Expected \"{keyword}\", found {TokenDescription()}.");
        }

        Advance();
    }

    private bool Skip(TokenKind kind)
    {
        if (_lexer.Kind == kind)
        {
            Advance();
            return true;
        }

        return false;
    }

    private GraphQLSyntaxError Unexpected() => _lexer.Error(_lexer.Start, $"Unexpected {TokenDescription()}.");

    private GraphQLSyntaxError Unexpected(Mark at) =>
        _lexer.Start == at.Start ? Unexpected() : _lexer.Error(at.Start, $"Unexpected {Describe(at.Kind, at.Value)}.");

    private string TokenDescription() => Describe(_lexer.Kind, _lexer.Value);

    private static string Describe(TokenKind kind, string? value)
    {
        var description = KindDescription(kind);
        return value is null || kind is TokenKind.EndOfFile ? description : $"{description} \"{value}\"";
    }

    internal static string KindDescription(TokenKind kind) => kind switch
    {
        TokenKind.StartOfFile => "<SOF>",
        TokenKind.EndOfFile => "<EOF>",
        TokenKind.Bang => "\"!\"",
        TokenKind.Dollar => "\"$\"",
        TokenKind.Amp => "\"&\"",
        TokenKind.ParenL => "\"(\"",
        TokenKind.ParenR => "\")\"",
        TokenKind.Spread => "\"...\"",
        TokenKind.Colon => "\":\"",
        TokenKind.Equals => "\"=\"",
        TokenKind.At => "\"@\"",
        TokenKind.BracketL => "\"[\"",
        TokenKind.BracketR => "\"]\"",
        TokenKind.BraceL => "\"{\"",
        TokenKind.Pipe => "\"|\"",
        TokenKind.BraceR => "\"}\"",
        TokenKind.Name => "Name",
        TokenKind.Int => "Int",
        TokenKind.Float => "Float",
        TokenKind.String => "String",
        TokenKind.BlockString => "BlockString",
        _ => "Comment",
    };

    private Mark Mark() => new(_lexer.Start, _lexer.Line, _lexer.Column, _lexer.Kind, _lexer.Value);

    private static Mark MarkOf(Node node) => new(node.Location.Start, node.Location.Line, node.Location.Column, TokenKind.String, null);

    private Location Finish(Mark start) => new(start.Start, _lexer.PreviousEnd, start.Line, start.Column);
}

internal readonly record struct Mark(int Start, int Line, int Column, TokenKind Kind, string? Value);
