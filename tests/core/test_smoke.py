import oauth2core


def test_import():
    assert oauth2core.OAuth2Client
