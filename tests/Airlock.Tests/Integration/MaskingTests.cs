using System.Text;
using System.Text.Json;
using Airlock.Tests.Integration.Infrastructure;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// Secrets and personal data in responses are masked before they reach the agent, through the real AWS CLI,
/// boto3 and the .NET SDK against moto; the audit trail and the log keep only the masked form.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class MaskingTests(AirlockEnvironment env)
{
    private const string Card = "4111111111111111";
    private const string Email = "jane.doe@example.com";

    [Fact]
    public async Task SecretValue_IsMaskedForAgents_AndShownToTheExemptGroup()
    {
        var name = AirlockEnvironment.UniqueName("masked-secret");
        const string Value = "db-password-5d1c9e";
        Assert.Equal(0, (await env.MotoAsync("secretsmanager", "create-secret", "--name", name, "--secret-string", Value)).ExitCode);

        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var masked = await env.CliV2Async(agent, "secretsmanager", "get-secret-value", "--secret-id", name, "--output", "json");
        Assert.True(masked.ExitCode == 0, masked.ToString());
        using (var doc = JsonDocument.Parse(masked.StdOut))
        {
            Assert.Equal("****", doc.RootElement.GetProperty("SecretString").GetString());
            Assert.Equal(name, doc.RootElement.GetProperty("Name").GetString());
        }

        var boto = await env.Boto3Async(agent, $"print(boto3.client('secretsmanager').get_secret_value(SecretId='{name}')['SecretString'])");
        Assert.True(boto.ExitCode == 0, boto.ToString());
        Assert.Equal("****", boto.StdOut.Trim());

        var admin = await env.NewSessionAsync(groups: ["agents", "security-admins"]);
        var real = await env.CliV2Async(admin, "secretsmanager", "get-secret-value", "--secret-id", name, "--query", "SecretString", "--output", "text");
        Assert.True(real.ExitCode == 0, real.ToString());
        Assert.Equal(Value, real.StdOut.Trim());

        var records = (await env.AuditAsync()).Where(e => e.Operation == "GetSecretValue" && e.Parameters.GetValueOrDefault("SecretId") == name).ToList();
        Assert.Contains(records, r => r.AccessKeyId == agent.AccessKeyId && r.Masked.Contains("SecretString by model"));
        // The exempt caller saw the value; the audit trail still keeps the masked form.
        var adminRecord = records.Last(r => r.AccessKeyId == admin.AccessKeyId);
        Assert.Contains("\"SecretString\":\"****\"", adminRecord.Response!.Replace(" ", ""));
        await env.AssertNowhereInAirlockAsync(Value);
    }

    [Fact]
    public async Task NewAccessKeyAndAssumedRoleCredentials_AreMasked()
    {
        var user = AirlockEnvironment.UniqueName("masked-user")[..30];
        Assert.Equal(0, (await env.MotoAsync("iam", "create-user", "--user-name", user)).ExitCode);
        var power = await env.NewSessionAsync(groups: ["power"]);

        var created = await env.CliV2Async(power, "iam", "create-access-key", "--user-name", user, "--output", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        using (var doc = JsonDocument.Parse(created.StdOut))
        {
            var key = doc.RootElement.GetProperty("AccessKey");
            Assert.Equal("****", key.GetProperty("SecretAccessKey").GetString());
            Assert.Matches(@"^\[aws-access-key-id:\*\*\*\*[A-Z0-9]{4}\]$", key.GetProperty("AccessKeyId").GetString());
            Assert.Equal("****" + user[^4..], key.GetProperty("UserName").GetString()); // the configured iam-user-names rule, partial style
        }

        var keys = await env.MotoAsync("iam", "list-access-keys", "--user-name", user, "--query", "AccessKeyMetadata[0].AccessKeyId", "--output", "text");
        var keyId = keys.StdOut.Trim();
        Assert.StartsWith("AKIA", keyId);

        var assumed = await env.CliV1Async(power, "sts", "assume-role", "--role-arn", env.Moto.RoleArn, "--role-session-name", "masking", "--output", "json");
        Assert.True(assumed.ExitCode == 0, assumed.ToString());
        using (var doc = JsonDocument.Parse(assumed.StdOut))
        {
            var credentials = doc.RootElement.GetProperty("Credentials");
            Assert.Equal("****", credentials.GetProperty("SecretAccessKey").GetString());
            Assert.Equal("****", credentials.GetProperty("SessionToken").GetString()); // tools/sensitive-exceptions.json: the model leaves it unmarked
            Assert.StartsWith("[aws-access-key-id:****", credentials.GetProperty("AccessKeyId").GetString());
            Assert.True(credentials.TryGetProperty("Expiration", out _));
        }

        var record = (await env.AuditAsync()).Last(e => e.AccessKeyId == power.AccessKeyId && e.Operation == "AssumeRole");
        Assert.Contains("AssumeRoleResult/Credentials/SecretAccessKey by model", record.Masked);
        Assert.Contains("AssumeRoleResult/Credentials/SessionToken by model", record.Masked);
        await env.AssertNowhereInAirlockAsync(keyId);
    }

    [Fact]
    public async Task CredentialsTheModelsLeaveUnmarked_AreMaskedAsIfMarked_EcrLoginAndApiGatewayKey()
    {
        // Neither model marks these sensitive; tools/sensitive-exceptions.json does.
        var direct = await env.MotoAsync("ecr", "get-authorization-token", "--query", "authorizationData[0].authorizationToken", "--output", "text");
        var token = direct.StdOut.Trim();
        Assert.True(token.Length > 8, direct.ToString());
        var keyValue = "agw-key-" + Guid.NewGuid().ToString("N");
        var power = await env.NewSessionAsync(groups: ["power"]);

        var result = await env.Boto3Async(power, $$"""
            print(boto3.client('ecr').get_authorization_token()['authorizationData'][0]['authorizationToken'])
            key = boto3.client('apigateway').create_api_key(name='{{AirlockEnvironment.UniqueName("agw")}}', value='{{keyValue}}', enabled=True)
            print(key['value'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["****", "****"], result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var records = (await env.AuditAsync()).Where(e => e.AccessKeyId == power.AccessKeyId).ToList();
        Assert.Contains("authorizationData/*/authorizationToken by model", records.Single(r => r.Operation == "GetAuthorizationToken").Masked);
        Assert.Contains("value by model", records.Single(r => r.Operation == "CreateApiKey").Masked);
        await env.AssertNowhereInAirlockAsync(token, keyValue);
    }

    [Fact]
    public async Task AppSyncApiKeys_AreMaskedInAnswers_AndNotRecordedWhenNamed()
    {
        // An AppSync key's id is the key: x-api-key carries it to the GraphQL endpoint. The model marks nothing sensitive.
        // (moto, checking signatures, refuses every AppSync GET and DELETE, its own SDK's too: the key is named in an update.)
        var api = await env.MotoAsync("appsync", "create-graphql-api", "--name", AirlockEnvironment.UniqueName("gql"),
            "--authentication-type", "API_KEY", "--query", "graphqlApi.apiId", "--output", "text");
        Assert.True(api.ExitCode == 0, api.ToString());
        var apiId = api.StdOut.Trim();
        var key = await env.MotoAsync("appsync", "create-api-key", "--api-id", apiId, "--query", "apiKey.id", "--output", "text");
        var keyId = key.StdOut.Trim();
        Assert.True(key.ExitCode == 0 && keyId.Length > 0, key.ToString());
        var power = await env.NewSessionAsync(groups: ["power"]);

        var result = await env.Boto3Async(power, $$"""
            c = boto3.client('appsync')
            print(c.create_api_key(apiId='{{apiId}}', description='agent key')['apiKey']['id'])
            updated = c.update_api_key(apiId='{{apiId}}', id='{{keyId}}', description='renamed')['apiKey']
            print(updated['id'], updated['description'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["****", "**** renamed"], result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var records = (await env.AuditAsync()).Where(e => e.AccessKeyId == power.AccessKeyId).ToList();
        Assert.Contains("apiKey/id by model", records.Single(r => r.Operation == "CreateApiKey").Masked);
        var update = records.Single(r => r.Operation == "UpdateApiKey");
        Assert.Contains("apiKey/id by model", update.Masked);
        Assert.Equal(200, update.UpstreamStatus);
        Assert.Equal($"/v1/apis/{apiId}/apikeys/****", update.Path);
        Assert.False(update.Parameters.ContainsKey("id"));
        // moto's ids are six hex digits: looked for in the records and the log, not in the store's files, whose hashes
        // could hold them by chance.
        Assert.All(records, r => Assert.DoesNotContain(keyId, JsonSerializer.Serialize(r)));
        Assert.DoesNotContain(keyId, env.Gateway.ReadLog());
    }

    [Fact]
    public async Task ACredentialAnAgentSets_ThatTheModelLeavesUnmarked_IsNotRecorded_ElastiCacheAuthToken()
    {
        // The Redis AUTH password of a cache cluster; tools/sensitive-exceptions.json marks it (a query-protocol form member).
        var token = "redis-auth-" + Guid.NewGuid().ToString("N");
        var cluster = AirlockEnvironment.UniqueName("cache");
        var power = await env.NewSessionAsync(groups: ["power"]);

        var result = await env.Boto3Async(power, $$"""
            c = boto3.client('elasticache')
            r = c.create_cache_cluster(CacheClusterId='{{cluster}}', Engine='redis', CacheNodeType='cache.t3.micro', NumCacheNodes=1,
                                       TransitEncryptionEnabled=True, AuthToken='{{token}}')
            print(r['CacheCluster']['CacheClusterId'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(cluster, result.StdOut.Trim());
        var record = (await env.AuditAsync()).Single(e => e.AccessKeyId == power.AccessKeyId && e.Operation == "CreateCacheCluster");
        Assert.Equal(200, record.UpstreamStatus);
        Assert.Equal(cluster, record.Parameters["CacheClusterId"]);
        Assert.False(record.Parameters.ContainsKey("AuthToken"));
        Assert.Null(record.RequestBody);
        await env.AssertNowhereInAirlockAsync(token);
    }

    [Fact]
    public async Task ABodyHoldingASecret_IsNotRecorded_NorItsDigest_FromTheDotNetSdk()
    {
        // The .NET SDK signs every body's SHA-256 into x-amz-content-sha256. Kept beside the rest of the call, the digest of
        // {"KeyId": …, "Plaintext": …} would let a reader of the trail test guesses at the plaintext.
        var keyId = await KmsKeyAsync();
        var plaintext = "pin-" + Guid.NewGuid().ToString("N")[..8];
        var power = await env.NewSessionAsync(groups: ["power"]);
        var credentials = new SessionAWSCredentials(power.AccessKeyId, power.SecretAccessKey, power.SessionToken);

        using (var kms = new Amazon.KeyManagementService.AmazonKeyManagementServiceClient(credentials,
            new Amazon.KeyManagementService.AmazonKeyManagementServiceConfig { ServiceURL = env.Gateway.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 }))
        {
            var encrypted = await kms.EncryptAsync(new Amazon.KeyManagementService.Model.EncryptRequest
            {
                KeyId = keyId, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes(plaintext)),
            });
            Assert.True(encrypted.CiphertextBlob.Length > 0);
            var described = await kms.DescribeKeyAsync(new Amazon.KeyManagementService.Model.DescribeKeyRequest { KeyId = keyId });
            Assert.Equal(keyId, described.KeyMetadata.KeyId);
        }

        var records = (await env.AuditAsync()).Where(e => e.AccessKeyId == power.AccessKeyId).ToList();
        var encrypt = records.Single(r => r.Operation == "Encrypt");
        Assert.Equal(200, encrypt.UpstreamStatus);
        Assert.False(encrypt.Headers.ContainsKey("x-amz-content-sha256"), string.Join(", ", encrypt.Headers.Keys));
        Assert.Null(encrypt.RequestBody);
        // The SDK does send it: a call with nothing sensitive in its body keeps it.
        Assert.Matches("^[0-9a-f]{64}$", records.Single(r => r.Operation == "DescribeKey").Headers["x-amz-content-sha256"]);
        await env.AssertNowhereInAirlockAsync(plaintext, Convert.ToBase64String(Encoding.UTF8.GetBytes(plaintext)));
    }

    [Fact]
    public async Task Ec2UserData_IsMaskedWhenRead_AndNotRecordedWhenWritten()
    {
        // User data is where bootstrap scripts keep passwords; RunInstances marks it sensitive, but the model leaves it
        // unmarked in DescribeInstanceAttribute's answer and ModifyInstanceAttribute's request.
        var script = "#!/bin/sh\nexport DB_PASSWORD=ud-" + Guid.NewGuid().ToString("N");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(script));
        var run = await env.MotoAsync("ec2", "run-instances", "--image-id", "ami-12c6146b", "--count", "1", "--instance-type", "t2.micro",
            "--user-data", script, "--query", "Instances[0].InstanceId", "--output", "text");
        Assert.True(run.ExitCode == 0, run.ToString());
        var instance = run.StdOut.Trim();
        var power = await env.NewSessionAsync(groups: ["power"]);

        var result = await env.Boto3Async(power, $$"""
            c = boto3.client('ec2')
            print(c.describe_instance_attribute(InstanceId='{{instance}}', Attribute='userData')['UserData']['Value'])
            c.stop_instances(InstanceIds=['{{instance}}'])
            c.modify_instance_attribute(InstanceId='{{instance}}', UserData={'Value': b'{{encoded}}'})
            print('modified')
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["****", "modified"], result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var records = (await env.AuditAsync()).Where(e => e.AccessKeyId == power.AccessKeyId).ToList();
        Assert.Contains("userData/value by model", records.Single(r => r.Operation == "DescribeInstanceAttribute").Masked);
        var modify = records.Single(r => r.Operation == "ModifyInstanceAttribute");
        Assert.Equal(("allow", 200), (modify.Decision, modify.UpstreamStatus));
        await env.AssertNowhereInAirlockAsync(encoded, Convert.ToBase64String(Encoding.UTF8.GetBytes(encoded)), script[^32..]);
    }

    [Fact]
    public async Task ASensitiveMemberNestedInARequest_IsNotRecorded_LambdaEnvironment()
    {
        // Lambda's model marks a function's environment variables sensitive; they travel inside Environment.Variables,
        // not at the top of the body, and the recorded body would have kept them.
        var secret = "lambda-env-" + Guid.NewGuid().ToString("N");
        var role = AirlockEnvironment.UniqueName("lambda-role");
        Assert.Equal(0, (await env.MotoAsync("iam", "create-role", "--role-name", role, "--assume-role-policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""")).ExitCode);
        var power = await env.NewSessionAsync(groups: ["power"]);
        var function = AirlockEnvironment.UniqueName("fn");

        var result = await env.Boto3Async(power, $$$"""
            import io, zipfile
            code = io.BytesIO()
            with zipfile.ZipFile(code, 'w') as z:
                z.writestr('index.py', 'def handler(event, context):\n    return 1\n')
            c = boto3.client('lambda')
            made = c.create_function(FunctionName='{{{function}}}', Runtime='python3.12', Handler='index.handler', Code={'ZipFile': code.getvalue()},
                              Role='arn:aws:iam::123456789012:role/{{{role}}}', Environment={'Variables': {'DB_PASSWORD': '{{{secret}}}'}})
            print(made['FunctionName'], made['Environment']['Variables']['DB_PASSWORD'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(function + " ****", result.StdOut.Trim());
        var created = Assert.Single(await env.AuditAsync(), e => e.AccessKeyId == power.AccessKeyId && e.Operation == "CreateFunction");
        Assert.Equal(("allow", 201), (created.Decision, created.UpstreamStatus));
        await env.AssertNowhereInAirlockAsync(secret);
    }

    [Fact]
    public async Task ASensitiveMemberSentInAHeader_IsNotRecorded_S3EncryptionContext()
    {
        // PutObject's SSE-KMS key id and encryption context travel in headers the model marks sensitive.
        var keyId = await KmsKeyAsync();
        var marker = "ctx-" + Guid.NewGuid().ToString("N");
        var context = Convert.ToBase64String(Encoding.UTF8.GetBytes($$"""{"tenant":"{{marker}}"}"""));
        var bucket = AirlockEnvironment.UniqueName("sse-kms");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        var power = await env.NewSessionAsync(groups: ["power"]);

        var result = await env.Boto3Async(power, $$"""
            c = boto3.client('s3')
            put = c.put_object(Bucket='{{bucket}}', Key='report.csv', Body=b'a,b\n', ServerSideEncryption='aws:kms', SSEKMSKeyId='{{keyId}}',
                               SSEKMSEncryptionContext='{{context}}')
            print(put['ResponseMetadata']['HTTPStatusCode'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("200", result.StdOut.Trim());
        var put = Assert.Single(await env.AuditAsync(), e => e.AccessKeyId == power.AccessKeyId && e.Operation == "PutObject");
        Assert.Equal(("allow", 200), (put.Decision, put.UpstreamStatus));
        Assert.Equal("aws:kms", put.Headers["x-amz-server-side-encryption"]);
        Assert.False(put.Headers.ContainsKey("x-amz-server-side-encryption-context"));
        await env.AssertNowhereInAirlockAsync(context, keyId);
    }

    [Fact]
    public async Task APasswordNamedAsOneInAMap_IsMasked_GlueConnection()
    {
        // Glue's model leaves a connection's properties unmarked; the password among them is masked by its name.
        var name = AirlockEnvironment.UniqueName("jdbc");
        var password = "glue-" + Guid.NewGuid().ToString("N")[..12];
        var power = await env.NewSessionAsync(groups: ["power"]);

        var result = await env.Boto3Async(power, $$$"""
            c = boto3.client('glue')
            c.create_connection(ConnectionInput={'Name': '{{{name}}}', 'ConnectionType': 'JDBC', 'ConnectionProperties': {
                'JDBC_CONNECTION_URL': 'jdbc:postgresql://db.internal/app', 'USERNAME': 'app', 'PASSWORD': '{{{password}}}'}})
            props = c.get_connection(Name='{{{name}}}')['Connection']['ConnectionProperties']
            print(props['USERNAME'], props['JDBC_CONNECTION_URL'], props['PASSWORD'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("app jdbc:postgresql://db.internal/app [password:****]", result.StdOut.Trim());
        await env.AssertNowhereInAirlockAsync(password);
    }

    [Fact]
    public async Task AValuePairedWithAPasswordsName_IsMasked_CodeBuildEnvironment()
    {
        var project = AirlockEnvironment.UniqueName("build");
        var password = "cb-" + Guid.NewGuid().ToString("N")[..12];
        var power = await env.NewSessionAsync(groups: ["power"]);

        var result = await env.Boto3Async(power, $$$"""
            c = boto3.client('codebuild')
            c.create_project(name='{{{project}}}', source={'type': 'S3', 'location': 'builds/source.zip'}, artifacts={'type': 'NO_ARTIFACTS'},
                serviceRole='arn:aws:iam::123456789012:role/build', environment={'type': 'LINUX_CONTAINER', 'image': 'aws/codebuild/standard:7.0',
                'computeType': 'BUILD_GENERAL1_SMALL', 'environmentVariables': [
                    {'name': 'DB_PASSWORD', 'value': '{{{password}}}', 'type': 'PLAINTEXT'}, {'name': 'STAGE', 'value': 'prod', 'type': 'PLAINTEXT'}]})
            variables = c.batch_get_projects(names=['{{{project}}}'])['projects'][0]['environment']['environmentVariables']
            print(' '.join(v['name'] + '=' + v['value'] for v in variables))
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("DB_PASSWORD=[password:****] STAGE=prod", result.StdOut.Trim());
        await env.AssertNowhereInAirlockAsync(password);
    }

    [Fact]
    public async Task AValuePairedWithAPasswordsName_IsMasked_CloudFormationParameters()
    {
        // The query protocol's xml and forms: ParameterValue is judged by the ParameterKey beside it.
        var stack = AirlockEnvironment.UniqueName("stack");
        var password = "cfn-" + Guid.NewGuid().ToString("N")[..12];
        var power = await env.NewSessionAsync(groups: ["power"]);

        var result = await env.Boto3Async(power, $$$"""
            import json
            c = boto3.client('cloudformation')
            template = {'Parameters': {'DbPassword': {'Type': 'String'}, 'Stage': {'Type': 'String'}},
                        'Resources': {'Topic': {'Type': 'AWS::SNS::Topic'} } }
            # Compact: moto's signature check re-encodes a form's spaces as '+', where Airlock sends (and signs) %20.
            c.create_stack(StackName='{{{stack}}}', TemplateBody=json.dumps(template, separators=(',', ':')),
                Parameters=[{'ParameterKey': 'DbPassword', 'ParameterValue': '{{{password}}}'}, {'ParameterKey': 'Stage', 'ParameterValue': 'prod'}])
            parameters = c.describe_stacks(StackName='{{{stack}}}')['Stacks'][0]['Parameters']
            print(' '.join(p['ParameterKey'] + '=' + p['ParameterValue'] for p in sorted(parameters, key=lambda p: p['ParameterKey'])))
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("DbPassword=[password:****] Stage=prod", result.StdOut.Trim());
        await env.AssertNowhereInAirlockAsync(password);
    }

    [Fact]
    public async Task AValuePairedWithAPasswordsName_IsMasked_DynamoDbAttributes_InEitherOrder()
    {
        // A settings table keeps each setting as a Name and a Value attribute; the agent wrote the value first.
        var table = await NewTableAsync("settings");
        var password = "ddb-" + Guid.NewGuid().ToString("N")[..12];
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        var result = await env.Boto3Async(agent, $$$"""
            c = boto3.client('dynamodb')
            c.put_item(TableName='{{{table}}}', Item={'pk': {'S': 'db'}, 'Value': {'S': '{{{password}}}'}, 'Name': {'S': 'DB_PASSWORD'}})
            c.put_item(TableName='{{{table}}}', Item={'pk': {'S': 'stage'}, 'Name': {'S': 'STAGE'}, 'Value': {'S': 'prod'}})
            for key in ('db', 'stage'):
                item = c.get_item(TableName='{{{table}}}', Key={'pk': {'S': key}})['Item']
                print(item['Name']['S'] + '=' + item['Value']['S'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["DB_PASSWORD=[password:****]", "STAGE=prod"], result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        await env.AssertNowhereInAirlockAsync(password);
    }

    [Fact]
    public async Task SecureStringParameter_IsMasked()
    {
        var name = "/airlock/" + AirlockEnvironment.UniqueName("param");
        const string Value = "ssm-secure-9b27";
        Assert.Equal(0, (await env.MotoAsync("ssm", "put-parameter", "--name", name, "--type", "SecureString", "--value", Value)).ExitCode);
        var power = await env.NewSessionAsync(groups: ["power"]);

        var result = await env.CliV2Async(power, "ssm", "get-parameter", "--name", name, "--with-decryption", "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Equal("****", doc.RootElement.GetProperty("Parameter").GetProperty("Value").GetString());
        Assert.Equal(name, doc.RootElement.GetProperty("Parameter").GetProperty("Name").GetString());
        await env.AssertNowhereInAirlockAsync(Value);
    }

    [Fact]
    public async Task DynamoDbItem_CardAndEmailAreMasked_AndEverySdkAcceptsTheResponse()
    {
        var table = await NewTableAsync("masked-items");
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        // Written through Airlock: the recorded parameters must not keep the card or the address either.
        var put = await env.CliV2Async(agent, "dynamodb", "put-item", "--table-name", table, "--item",
            $$$"""{"pk":{"S":"customer-1"},"card":{"S":"{{{Card}}}"},"contact":{"S":"write to {{{Email}}}"},"points":{"N":"1200"},"notes":{"S":"prefers email"}}""");
        Assert.True(put.ExitCode == 0, put.ToString());

        var cli = await env.CliV2Async(agent, "dynamodb", "get-item", "--table-name", table, "--key", """{"pk":{"S":"customer-1"}}""", "--output", "json");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        using (var doc = JsonDocument.Parse(cli.StdOut))
        {
            var item = doc.RootElement.GetProperty("Item");
            Assert.Equal("[credit-card:****1111]", item.GetProperty("card").GetProperty("S").GetString());
            Assert.Equal("write to [email:****]", item.GetProperty("contact").GetProperty("S").GetString());
            Assert.Equal("1200", item.GetProperty("points").GetProperty("N").GetString());
            Assert.StartsWith("masked:sha256:", item.GetProperty("notes").GetProperty("S").GetString());
        }

        // botocore checks x-amz-crc32 and retries, then fails, on a mismatch: a clean answer means the CRC is right.
        var boto = await env.Boto3Async(agent, $$$"""
            c = boto3.client('dynamodb', config=botocore.config.Config(retries={'max_attempts': 1}))
            r = c.get_item(TableName='{{{table}}}', Key={'pk': {'S': 'customer-1'}})
            print(r['ResponseMetadata']['HTTPHeaders']['x-amz-crc32'], r['Item']['card']['S'], r['Item']['notes']['S'])
            """);
        Assert.True(boto.ExitCode == 0, boto.ToString());
        Assert.Contains("[credit-card:****1111]", boto.StdOut);

        using var dynamo = new AmazonDynamoDBClient(new SessionAWSCredentials(agent.AccessKeyId, agent.SecretAccessKey, agent.SessionToken),
            new AmazonDynamoDBConfig { ServiceURL = env.Gateway.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var got = await dynamo.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "customer-1" } });
        Assert.Equal("write to [email:****]", got.Item["contact"].S);

        // The hash token is stable: the same value gives the same token on every call.
        Assert.Contains(JsonDocument.Parse(cli.StdOut).RootElement.GetProperty("Item").GetProperty("notes").GetProperty("S").GetString()!, boto.StdOut);

        var record = (await env.AuditAsync()).Last(e => e.AccessKeyId == agent.AccessKeyId && e.Operation == "GetItem");
        Assert.Contains("Item/card/S by detector:credit-card", record.Masked);
        Assert.Contains("Item/notes/S by rule:customer-notes", record.Masked);
        await env.AssertNowhereInAirlockAsync(Card, Email);
    }

    [Fact]
    public async Task DynamoDbItem_AsDeepAsDynamoDbStores_IsWrittenAndRead_WithTheCardAtTheBottomMasked()
    {
        // 32 levels of maps and lists, DynamoDB's limit: ~70 json levels with the request around them, which
        // Airlock refused as "not valid json" while its readers stopped at 64.
        var table = await NewTableAsync("deep-items");
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        var boto = await env.Boto3Async(agent, $$$"""
            c = boto3.client('dynamodb', config=botocore.config.Config(retries={'max_attempts': 1}))
            def deep(levels):
                v = {'S': 'card {{{Card}}}'}
                for level in range(levels):
                    v = {'M': {'inner': v}} if level % 2 == 0 else {'L': [v]}
                return v
            def bottom(v):
                while 'S' not in v:
                    v = v['M']['inner'] if 'M' in v else v['L'][0]
                return v['S']
            c.put_item(TableName='{{{table}}}', Item={'pk': {'S': 'put'}, 'deep': deep(32)})
            c.batch_write_item(RequestItems={'{{{table}}}': [{'PutRequest': {'Item': {'pk': {'S': 'batch'}, 'deep': deep(32)} }}]})
            c.transact_write_items(TransactItems=[{'Put': {'TableName': '{{{table}}}', 'Item': {'pk': {'S': 'transact'}, 'deep': deep(32)} }}])
            for pk in ['put', 'batch', 'transact']:
                print(pk, bottom(c.get_item(TableName='{{{table}}}', Key={'pk': {'S': pk}})['Item']['deep']))
            """);

        Assert.True(boto.ExitCode == 0, boto.ToString());
        Assert.Equal(["put card [credit-card:****1111]", "batch card [credit-card:****1111]", "transact card [credit-card:****1111]"],
            boto.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var records = (await env.AuditAsync()).Where(e => e.AccessKeyId == agent.AccessKeyId && e.Service == "dynamodb").ToList();
        Assert.Equal(["PutItem", "BatchWriteItem", "TransactWriteItems", "GetItem", "GetItem", "GetItem"], records.Select(e => e.Operation));
        Assert.All(records, e => Assert.Equal(200, e.UpstreamStatus));
        await env.AssertNowhereInAirlockAsync(Card);
    }

    [Fact]
    public async Task ResponsesWithNothingSensitive_AreByteIdenticalToTheUpstreams()
    {
        var table = await NewTableAsync("plain");
        Assert.Equal(0, (await env.MotoAsync("dynamodb", "put-item", "--table-name", table, "--item", """{"pk":{"S":"a"},"n":{"N":"7"},"tags":{"SS":["x","y"]}}""")).ExitCode);
        var bucket = AirlockEnvironment.UniqueName("plain");
        Assert.Equal(0, (await env.MotoAsync("s3", "mb", $"s3://{bucket}")).ExitCode);
        Assert.Equal(0, (await env.MotoAsync("s3api", "put-object", "--bucket", bucket, "--key", "report.csv", "--body", env.ConfigPath)).ExitCode);
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        foreach (var (service, method, path, target, body) in new[]
        {
            ("dynamodb", "POST", "/", "DynamoDB_20120810.GetItem", $$$$"""{"TableName":"{{{{table}}}}","Key":{"pk":{"S":"a"}}}"""),
            ("dynamodb", "POST", "/", "DynamoDB_20120810.DescribeTable", $$"""{"TableName":"{{table}}"}"""),
            ("s3", "GET", $"/{bucket}?list-type=2", "", ""),
        })
        {
            var direct = await RawAsync(env.Moto.Endpoint, new SessionCredentials(env.Moto.AccessKeyId, env.Moto.SecretAccessKey, ""), service, method, path, target, body);
            var through = await RawAsync(env.Gateway.Url, agent, service, method, path, target, body);
            Assert.Equal(direct, through);
        }
    }

    [Fact]
    public async Task TheGatewayLog_HoldsNoMaskedValue()
    {
        var name = AirlockEnvironment.UniqueName("log-secret");
        const string Value = "log-check-secret-31c7";
        Assert.Equal(0, (await env.MotoAsync("secretsmanager", "create-secret", "--name", name, "--secret-string", Value)).ExitCode);
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var result = await env.CliV2Async(agent, "secretsmanager", "get-secret-value", "--secret-id", name, "--debug");
        Assert.True(result.ExitCode == 0, result.ToString());
        // --debug prints the raw response body the CLI received: the value never reached it.
        Assert.DoesNotContain(Value, result.All);
        // The gateway logs a call once it has finished it, which can be just after the client has its answer.
        for (var waited = 0; waited < 50 && !env.Gateway.ReadLog().Contains("GetSecretValue", StringComparison.Ordinal); waited++)
        {
            await Task.Delay(100);
        }

        Assert.Contains("GetSecretValue", env.Gateway.ReadLog());
        await env.AssertNowhereInAirlockAsync(Value);
    }


    /// <summary>One request signed by botocore and sent with urllib; the response body, base64.</summary>
    private async Task<string> RawAsync(string endpoint, SessionCredentials credentials, string service, string method, string path, string target, string body)
    {
        const string Script = """
            import base64, sys, urllib.request, os
            from botocore.auth import SigV4Auth, S3SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            endpoint, service, method, path, target, body = sys.argv[1:7]
            headers = {'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': target} if target else {}
            request = AWSRequest(method=method, url=endpoint + path, data=body.encode() or None, headers=headers)
            creds = Credentials(os.environ['AWS_ACCESS_KEY_ID'], os.environ['AWS_SECRET_ACCESS_KEY'], os.environ.get('AWS_SESSION_TOKEN'))
            (S3SigV4Auth if service == 's3' else SigV4Auth)(creds, service, 'us-east-1').add_auth(request)
            prepared = request.prepare()
            with urllib.request.urlopen(urllib.request.Request(prepared.url, data=prepared.body, headers=dict(prepared.headers), method=method)) as r:
                sys.stdout.write(base64.b64encode(r.read()).decode())
            """;
        var result = await ProcessRunner.RunAsync(Tools.Python, ["-c", Script, endpoint, service, method, path, target, body], env.WithCredentials(credentials));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotEmpty(result.StdOut);
        return Encoding.UTF8.GetString(Convert.FromBase64String(result.StdOut));
    }

    /// <summary>A DynamoDB table keyed by <c>pk</c>, created in moto directly.</summary>
    private async Task<string> NewTableAsync(string prefix)
    {
        var table = AirlockEnvironment.UniqueName(prefix);
        Assert.Equal(0, (await env.MotoAsync("dynamodb", "create-table", "--table-name", table, "--billing-mode", "PAY_PER_REQUEST",
            "--attribute-definitions", "AttributeName=pk,AttributeType=S", "--key-schema", "AttributeName=pk,KeyType=HASH")).ExitCode);
        return table;
    }

    /// <summary>A KMS key made in moto directly, for the agent's calls to name.</summary>
    private async Task<string> KmsKeyAsync()
    {
        var key = await env.MotoAsync("kms", "create-key", "--query", "KeyMetadata.KeyId", "--output", "text");
        Assert.True(key.ExitCode == 0, key.ToString());
        return key.StdOut.Trim();
    }
}
