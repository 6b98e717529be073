//! The generated mock client, as a user of the user service would use it in their own tests.

use user_service::generated::user::api::*;
use user_service::generated::user::mock::Mock;
use user_service::generated::user::models::UserStatus;

#[tokio::test]
async fn examples_respect_the_spec_and_overrides_take_one_line() {
    let mock = Mock::new();
    // Without overrides: the first success response, with an example value.
    let UsersGetByIdResponse::Ok(user) = mock.get_by_id(UsersGetByIdRequest { id: "u1".into() }).await.unwrap() else {
        panic!("expected the 200 example");
    };
    assert_eq!(user.status, UserStatus::ALL[0]);
    assert!(user.email.contains('@'));
    let UsersPostResponse::Created(created) = mock
        .post(UsersPostRequest {
            body: user_service::generated::user::models::UserForm {
                email: "a@b.co".into(),
                name: "A".into(),
                phone: None,
                status: None,
            },
        })
        .await
        .unwrap()
    else {
        panic!("expected the 201 example");
    };
    assert!(!created.name.is_empty());
    assert_eq!(
        mock.delete_by_id(UsersDeleteByIdRequest { id: "u1".into() }).await.unwrap(),
        UsersDeleteByIdResponse::NoContent
    );

    // One line to make an operation answer what the test needs.
    let mock = Mock::new().on_users_get_by_id(|_| UsersGetByIdResponse::NotFound);
    assert_eq!(mock.get_by_id(UsersGetByIdRequest { id: "u1".into() }).await.unwrap(), UsersGetByIdResponse::NotFound);
    assert!(format!("{mock:?}").contains("users_get_by_id"));
}
