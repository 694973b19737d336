/**
 * A light check of Block Kit, with the limits Slack enforces most often (text lengths, element counts, unique ids), so
 * a message the real Slack would refuse with `invalid_blocks` is refused here too.
 */

type Json = Record<string, unknown>;

const BLOCK_TYPES = new Set(['section', 'header', 'context', 'actions', 'divider', 'input', 'image', 'rich_text']);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textObject(value: unknown, where: string, max: number, errors: string[], plainOnly = false): void {
  if (!isObject(value)) {
    errors.push(`missing text object [json-pointer:${where}]`);
    return;
  }
  if (value.type !== 'plain_text' && (plainOnly || value.type !== 'mrkdwn')) {
    errors.push(`must be ${plainOnly ? 'plain_text' : 'plain_text or mrkdwn'} [json-pointer:${where}/type]`);
  }
  if (typeof value.text !== 'string' || value.text.length === 0) {
    errors.push(`must be more than 0 characters [json-pointer:${where}/text]`);
  } else if (value.text.length > max) {
    errors.push(`must be less than ${max + 1} characters [json-pointer:${where}/text]`);
  }
}

function element(value: unknown, where: string, errors: string[], actionIds: Set<string>): void {
  if (!isObject(value) || typeof value.type !== 'string') {
    errors.push(`invalid element [json-pointer:${where}]`);
    return;
  }
  if (typeof value.action_id === 'string') {
    if (value.action_id.length > 255) errors.push(`must be less than 256 characters [json-pointer:${where}/action_id]`);
    if (actionIds.has(value.action_id)) errors.push(`action_id already exists [json-pointer:${where}/action_id]`);
    actionIds.add(value.action_id);
  }
  if (value.type === 'button') {
    textObject(value.text, `${where}/text`, 75, errors, true);
    if (typeof value.value === 'string' && value.value.length > 2000) {
      errors.push(`must be less than 2001 characters [json-pointer:${where}/value]`);
    }
    if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
      errors.push(`must be primary or danger [json-pointer:${where}/style]`);
    }
  }
}

/** The problems Slack would report for these blocks (empty when they are fine). */
export function validateBlocks(blocks: unknown[]): string[] {
  const errors: string[] = [];
  if (blocks.length > 50) errors.push('no more than 50 items allowed [json-pointer:/blocks]');
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  blocks.forEach((block, index) => {
    const where = `/blocks/${index}`;
    if (!isObject(block) || typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
      errors.push(`unsupported type [json-pointer:${where}/type]`);
      return;
    }
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > 255) errors.push(`must be less than 256 characters [json-pointer:${where}/block_id]`);
      if (blockIds.has(block.block_id)) errors.push(`block_id already exists [json-pointer:${where}/block_id]`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) {
          errors.push(`must provide text or fields [json-pointer:${where}]`);
        }
        if (block.text !== undefined) textObject(block.text, `${where}/text`, 3000, errors);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length > 10) {
            errors.push(`no more than 10 items allowed [json-pointer:${where}/fields]`);
          } else {
            block.fields.forEach((field, at) => textObject(field, `${where}/fields/${at}`, 2000, errors));
          }
        }
        if (block.accessory !== undefined) element(block.accessory, `${where}/accessory`, errors, actionIds);
        break;
      }
      case 'header':
        textObject(block.text, `${where}/text`, 150, errors, true);
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) {
          errors.push(`must have 1 to 10 elements [json-pointer:${where}/elements]`);
        } else {
          block.elements.forEach((item, at) => textObject(item, `${where}/elements/${at}`, 3000, errors));
        }
        break;
      case 'actions':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) {
          errors.push(`must have 1 to 25 elements [json-pointer:${where}/elements]`);
        } else {
          block.elements.forEach((item, at) => element(item, `${where}/elements/${at}`, errors, actionIds));
        }
        break;
      case 'input':
        textObject(block.label, `${where}/label`, 2000, errors, true);
        element(block.element, `${where}/element`, errors, actionIds);
        break;
      default:
        break;
    }
  });
  return errors;
}
