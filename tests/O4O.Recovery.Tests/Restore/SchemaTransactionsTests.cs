using System.Globalization;
using System.Text;
using O4O.Recovery.Restore;

namespace O4O.Recovery.Tests.Restore;

public sealed class SchemaTransactionsTests
{
    [Fact]
    public void The_schema_runs_in_transactions_of_a_hundred_objects_with_the_session_settings_before_them()
    {
        var schema = new StringBuilder("SET client_encoding = 'UTF8';\n\n");
        for (var table = 1; table <= 250; table++)
        {
            schema.Append(CultureInfo.InvariantCulture, $"--\n-- Name: t{table}; Type: TABLE; Schema: public; Owner: postgres\n--\n\nCREATE TABLE public.t{table} (id int);\n\n");
        }

        var batched = SchemaTransactions.Batched(schema.ToString());

        Assert.StartsWith("SET client_encoding = 'UTF8';\n\nBEGIN;\n--\n-- Name: t1;", batched, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE public.t100 (id int);\n\nCOMMIT;\nBEGIN;\n--\n-- Name: t101;", batched, StringComparison.Ordinal);
        Assert.EndsWith("CREATE TABLE public.t250 (id int);\n\nCOMMIT;\n", batched, StringComparison.Ordinal);
        Assert.Equal(3, batched.Split("BEGIN;\n").Length - 1);
        Assert.Equal(schema.ToString(), batched.Replace("BEGIN;\n", "", StringComparison.Ordinal).Replace("COMMIT;\n", "", StringComparison.Ordinal));
    }
}
