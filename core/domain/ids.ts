/** A UUID, as regular-expression source without anchors (to build patterns that contain one). */
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Every ID we issue (cases, forms, agreements, rounds) is a UUID; anything else is refused early. */
export const UUID = new RegExp(`^${UUID_PATTERN}$`, 'i');

/** A member's user ID as Teams (or the tab) gives it: word characters and `:.@-`, at most 200. */
export const USER_ID = /^[\w:.@-]{1,200}$/;
