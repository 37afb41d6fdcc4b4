using System.Text;

namespace ContractGen.Generator;

/// <summary>A small indenting writer over a <see cref="StringBuilder"/>; always <c>\n</c> line endings.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(text);
        }

        _builder.Append('\n');
        return this;
    }

    /// <summary>Writes each line of a multi-line block (a raw string), indented at the current level.</summary>
    public SourceWriter Block(string text)
    {
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            Line(line);
        }

        return this;
    }

    public SourceWriter Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    /// <summary>Writes a <c>case</c> or <c>default</c> label and indents the statements under it, until <see cref="EndLabel"/>.</summary>
    public SourceWriter Label(string text)
    {
        Line(text);
        _indent++;
        return this;
    }

    public SourceWriter EndLabel()
    {
        _indent--;
        return this;
    }

    public override string ToString() => _builder.ToString();
}
