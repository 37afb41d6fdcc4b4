namespace ContractGen.Generator;

/// <summary>Small helpers for writing C# source text, shared by the emitters.</summary>
internal static class CSharp
{
    /// <summary>A string literal with quotes and escapes.</summary>
    public static string Literal(string value) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>
    /// A name as an identifier: '@' only where it is a keyword, so ordinary names read as the user wrote them.
    /// 'await' is only contextual, but generated dispatch methods are async, where it cannot be an identifier (CS4003).
    /// </summary>
    public static string Identifier(string name)
        => Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None || name == "await" ? "@" + name : name;

    /// <summary>Text escaped for an XML doc comment.</summary>
    public static string XmlEscape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
